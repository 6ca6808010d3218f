package dev.padlock.ca.store.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePathWrapper;

/**
 * "powerloss:" + a path: H2's default file system, keeping what a power failure could take away.
 *
 * <p>Every write and truncation of a file is written through at once, and also remembered (with the bytes it
 * replaced) until a {@link FileChannel#force} that began after it returns: until then the disk may not
 * have it. {@link #cut} is the power failure: from then on every write, truncation and force in that
 * directory fails, and {@link #image} makes what the disk could hold afterwards. It starts from what was
 * forced (every remembered change undone, newest first), then applies the remembered changes that land
 * ({@link Landing}), in the order they were made.
 */
public final class PowerLoss extends FilePathWrapper {
  /** Page of a torn write. */
  static final int PAGE = 4096;

  /** Static: H2 makes a new instance of the file system for every path. Keyed by the real path. */
  private static final Map<Path, Changes> FILES = new ConcurrentHashMap<>();
  private static final Set<Path> CUT = ConcurrentHashMap.newKeySet();
  private static final Map<Path, AtomicInteger> ARMED = new ConcurrentHashMap<>();
  private static final Set<Path> ARMED_AT_HEADER = ConcurrentHashMap.newKeySet();
  /** Writes and forces hold it shared; {@link #cut} holds it alone, so none is half done at the cut. */
  private static final ReentrantReadWriteLock POWER = new ReentrantReadWriteLock();

  public PowerLoss() {}

  @Override
  public String getScheme() {
    return "powerloss";
  }

  /** The power fails for every file in {@code dir}: what was not forced may be lost. */
  public static void cut(Path dir) {
    POWER.writeLock().lock();
    try {
      CUT.add(dir.toAbsolutePath());
    } finally {
      POWER.writeLock().unlock();
    }
  }

  /**
   * The power fails for every file in {@code dir} right after the {@code writes}th write to any of them
   * from now on (before any force can follow it): usually in the middle of a commit.
   */
  public static void cutAfter(Path dir, int writes) {
    ARMED.put(dir.toAbsolutePath(), new AtomicInteger(writes));
  }

  /** The power fails for every file in {@code dir} right after the next write at the file's start: H2's store header. */
  public static void cutAfterHeader(Path dir) {
    ARMED_AT_HEADER.add(dir.toAbsolutePath());
  }

  /** Whether the power is cut for {@code dir}. */
  public static boolean isCut(Path dir) {
    return CUT.contains(dir.toAbsolutePath());
  }

  /**
   * Writes to {@code to} what the disk could hold of {@code from} after {@link #cut}: its forced content and
   * the changes after the last force that {@code landing} lets land, chosen with {@code random}.
   *
   * @return the number of remembered changes (not forced when the power was cut)
   */
  public static int image(Path from, Path to, Random random, Landing landing) throws IOException {
    Changes c = FILES.get(from.toAbsolutePath());
    List<Change> changes;
    if (c == null) {
      changes = List.of();
    } else {
      synchronized (c) {
        changes = new ArrayList<>(c.list);
      }
    }
    Files.copy(from, to);
    try (FileChannel f = FileChannel.open(to, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int i = changes.size() - 1; i >= 0; i--) {
        Change ch = changes.get(i);
        f.truncate(ch.sizeBefore);
        if (ch.replaced.length > 0) {
          write(f, ch.replaced, 0, ch.replaced.length, ch.position);
        }
      }
      for (Change ch : changes) {
        if (ch.written == null) { // a truncation
          if (landing == Landing.ALL || (landing != Landing.HEADERS && random.nextBoolean())) {
            f.truncate(ch.position);
          }
          continue;
        }
        long end = ch.position + ch.written.length;
        if (landing == Landing.HEADERS) {
          if (ch.position == 0) {
            write(f, ch.written, 0, ch.written.length, ch.position);
          }
          continue;
        }
        if (landing != Landing.TORN) {
          if (landing == Landing.ALL || random.nextBoolean()) {
            write(f, ch.written, 0, ch.written.length, ch.position);
          }
          continue;
        }
        for (long page = ch.position - ch.position % PAGE; page < end; page += PAGE) {
          if (random.nextBoolean()) {
            long from0 = Math.max(page, ch.position);
            long to0 = Math.min(page + PAGE, end);
            write(f, ch.written, (int) (from0 - ch.position), (int) (to0 - from0), from0);
          }
        }
      }
      f.force(true);
    }
    return changes.size();
  }

  private static void write(FileChannel f, byte[] bytes, int offset, int length, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
    long p = position;
    while (b.hasRemaining()) {
      p += f.write(b, p);
    }
  }

  /** What becomes of the changes that were not forced when the power went. */
  public enum Landing {
    /** All of them: the process was killed and the operating system kept every write. */
    ALL,
    /** Each write whole or not at all, at random. */
    WHOLE,
    /** Each write by 4 KiB pages, each page or not at random: a write torn by the page cache or the disk. */
    TORN,
    /** The writes at the file's start (H2's store header) only; every other write and truncation is lost. */
    HEADERS
  }

  /** One write or truncation since the last force: where, what it wrote, what was there before. */
  private record Change(long position, byte[] written, byte[] replaced, long sizeBefore) {}

  private static final class Changes {
    final List<Change> list = new ArrayList<>();
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    FileChannel base = getBase().open(mode);
    Path real = Path.of(getBase().toString()).toAbsolutePath();
    Changes changes = FILES.computeIfAbsent(real, p -> new Changes());
    return new FileBase() {
      private long position;

      private void powered() throws IOException {
        if (CUT.contains(real.getParent())) {
          throw new IOException("power cut: " + real);
        }
      }

      @Override
      public int read(ByteBuffer dst) throws IOException {
        int n = base.read(dst, position);
        if (n > 0) {
          position += n;
        }
        return n;
      }

      @Override
      public int read(ByteBuffer dst, long pos) throws IOException {
        return base.read(dst, pos);
      }

      @Override
      public int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
      }

      @Override
      public int write(ByteBuffer src, long pos) throws IOException {
        POWER.readLock().lock();
        try {
          powered();
          synchronized (changes) {
            long size = base.size();
            byte[] written = new byte[src.remaining()];
            src.get(written);
            byte[] replaced = new byte[(int) Math.max(0, Math.min(size, pos + written.length) - pos)];
            ByteBuffer r = ByteBuffer.wrap(replaced);
            while (r.hasRemaining() && base.read(r, pos + r.position()) > 0) {
              // reading what the write replaces
            }
            changes.list.add(new Change(pos, written, replaced, size));
            ByteBuffer w = ByteBuffer.wrap(written);
            while (w.hasRemaining()) {
              base.write(w, pos + w.position());
            }
            AtomicInteger armed = ARMED.get(real.getParent());
            if (armed != null && armed.decrementAndGet() == 0) {
              CUT.add(real.getParent()); // this write is the last: nothing after it, no force for it
            }
            if (pos == 0 && ARMED_AT_HEADER.remove(real.getParent())) {
              CUT.add(real.getParent());
            }
            return written.length;
          }
        } finally {
          POWER.readLock().unlock();
        }
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
      }

      @Override
      public long size() throws IOException {
        return base.size();
      }

      @Override
      public FileChannel truncate(long size) throws IOException {
        POWER.readLock().lock();
        try {
          powered();
          synchronized (changes) {
            long before = base.size();
            if (size < before) {
              byte[] replaced = new byte[(int) (before - size)];
              ByteBuffer r = ByteBuffer.wrap(replaced);
              while (r.hasRemaining() && base.read(r, size + r.position()) > 0) {
                // reading what the truncation cuts off
              }
              changes.list.add(new Change(size, null, replaced, before));
              base.truncate(size);
            }
          }
          position = Math.min(position, size);
          return this;
        } finally {
          POWER.readLock().unlock();
        }
      }

      @Override
      public void force(boolean metaData) throws IOException {
        POWER.readLock().lock();
        try {
          powered();
          int done;
          synchronized (changes) {
            done = changes.list.size();
          }
          base.force(metaData);
          powered(); // cut during the force (by a write on another thread, cutAfter): it did not complete
          synchronized (changes) {
            changes.list.subList(0, done).clear();
          }
        } finally {
          POWER.readLock().unlock();
        }
      }

      @Override
      public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
        return base.tryLock(pos, size, shared);
      }

      @Override
      protected void implCloseChannel() throws IOException {
        base.close();
      }
    };
  }
}
