package dev.padlock.tls.reload;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A value read from files that is re-read when they change and on demand, ghostunnel-style: build
 * the complete new value, validate it, swap it in atomically; on failure keep the last good value
 * and report. Readers get an immutable {@link Version} and never wait for a reload (a reload runs on
 * whichever thread notices the change first, while the others carry on with the current version).
 * The last few versions stay reachable by generation, so a handshake that began with one version
 * finishes with it.
 */
public final class Reloadable<T> {
  private static final System.Logger LOG = System.getLogger("dev.padlock.tls.reload");
  private static final int KEPT_VERSIONS = 8;

  /** Reads the value anew from its files, validating it; throws with a reason if it is unusable. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(T previous, Instant now) throws IOException;
  }

  /** One value and its generation (1 for the first). */
  public record Version<T>(long generation, T value) {}

  private final String what;
  private final List<Path> files;
  private final Reader<T> reader;
  private final Duration checkInterval;
  private final ReloadListener listener;
  private final AtomicReference<Version<T>> current;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Version<T>> recent = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Version<T>> eldest) {
      return size() > KEPT_VERSIONS;
    }
  };
  private volatile FileStamp stamp;
  private volatile Instant nextCheck = Instant.MIN;

  public Reloadable(String what, T initial, List<Path> files, Reader<T> reader,
      Duration checkInterval, ReloadListener listener) {
    this.what = what;
    this.files = List.copyOf(files);
    this.reader = reader;
    this.checkInterval = checkInterval;
    this.listener = listener;
    Version<T> first = new Version<>(1, initial);
    this.current = new AtomicReference<>(first);
    this.recent.put(1L, first);
    this.stamp = FileStamp.of(this.files);
  }

  /**
   * The current version, after re-reading the files if the check interval has passed and they
   * changed. Never blocks on another thread's reload.
   */
  public Version<T> current(Instant now) {
    if (!files.isEmpty() && !now.isBefore(nextCheck) && lock.tryLock()) {
      try {
        if (!now.isBefore(nextCheck)) {
          nextCheck = now.plus(checkInterval);
          FileStamp s = FileStamp.of(files);
          if (!s.equals(stamp)) {
            reload(s, now);
          }
        }
      } finally {
        lock.unlock();
      }
    }
    return current.get();
  }

  /** The current version without checking the files. */
  public Version<T> peek() {
    return current.get();
  }

  /** A recent version by generation, or null if it is no longer kept. */
  public Version<T> byGeneration(long generation) {
    synchronized (recent) {
      return recent.get(generation);
    }
  }

  /**
   * Re-reads the files now, whether or not they changed.
   *
   * @throws IOException if the new files are unusable (the current version stays)
   */
  public Version<T> reloadNow(Instant now) throws IOException {
    lock.lock();
    try {
      String error = reload(FileStamp.of(files), now);
      if (error != null) {
        throw new IOException(error);
      }
      return current.get();
    } finally {
      lock.unlock();
    }
  }

  /** Returns null on success, else the error (already reported). */
  private String reload(FileStamp s, Instant now) {
    stamp = s; // a refused version is not re-read until the files change again
    Version<T> old = current.get();
    try {
      T value = reader.read(old.value(), now);
      Version<T> next = new Version<>(old.generation() + 1, value);
      synchronized (recent) {
        recent.put(next.generation(), next);
      }
      current.set(next);
      LOG.log(System.Logger.Level.INFO, "reloaded {0}: {1}", what, value);
      listener.reloaded(what, String.valueOf(value));
      return null;
    } catch (IOException | RuntimeException e) {
      String error = String.valueOf(e.getMessage());
      LOG.log(System.Logger.Level.WARNING, "cannot reload {0}, keeping the one in use: {1}", what,
          error);
      listener.reloadFailed(what, error);
      return error;
    }
  }
}
