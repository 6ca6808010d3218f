package dev.padlock.tls.revocation;

import dev.padlock.tls.internal.Pem;
import dev.padlock.tls.reload.FileStamp;
import dev.padlock.tls.reload.ReloadListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One CRL from a file or a URL, cached. It is (re)loaded when first needed, when the refresh interval
 * has passed, shortly before its nextUpdate, when its file changed, and on demand. A new CRL must
 * parse, must not be older than the one in use (CRL number), and must be signed by the same key as
 * the one in use; otherwise the one in use stays and the failure is reported. A handshake never waits
 * for a refresh while the CRL in use is still fresh.
 */
public final class CrlSource {
  private static final System.Logger LOG = System.getLogger("dev.padlock.tls.revocation");
  private static final Duration FILE_CHECK = Duration.ofSeconds(1);
  private static final Duration BEFORE_NEXT_UPDATE = Duration.ofMinutes(1);
  private static final Duration MIN_RETRY = Duration.ofSeconds(10);
  private static final long MAX_BYTES = 512L * 1024 * 1024;

  /** A loaded CRL and what we know about it. */
  private record Loaded(ParsedCrl crl, Instant loadedAt, FileStamp stamp, PublicKey verifiedKey) {}

  private final Path file;
  private final URI url;
  private final Duration interval;
  private final Duration httpTimeout;
  private final List<ReloadListener> listeners;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Loaded current;
  private volatile String lastError;
  private volatile Instant nextAttempt = Instant.MIN;
  private volatile Instant nextFileCheck = Instant.MIN;
  private volatile FileStamp lastStamp;
  private volatile long attempts;
  private HttpClient http;

  CrlSource(Path file, URI url, Duration interval, Duration httpTimeout,
      List<ReloadListener> listeners) {
    this.file = file;
    this.url = url;
    this.interval = interval;
    this.httpTimeout = httpTimeout;
    this.listeners = listeners;
  }

  /** Where the CRL comes from. */
  public String origin() {
    return file != null ? file.toString() : url.toString();
  }

  /** The CRL in use, refreshed first if due (see the class comment); null if none loaded yet. */
  ParsedCrl current(Instant now) {
    Loaded seen = current;
    long attemptsSeen = attempts;
    if (isDue(seen, now)) {
      boolean usable = seen != null
          && (seen.crl.nextUpdate() == null || now.isBefore(seen.crl.nextUpdate()));
      if (usable ? lock.tryLock() : lockInterruptibly()) {
        try {
          // Another thread may have loaded (or failed to) while this one waited.
          if (attempts == attemptsSeen) {
            load(now, false);
          }
        } finally {
          lock.unlock();
        }
      }
    }
    Loaded l = current;
    return l == null ? null : l.crl;
  }

  /** Re-reads the CRL now, whatever the schedule. */
  void refreshNow(Instant now) {
    lock.lock();
    try {
      load(now, true);
    } finally {
      lock.unlock();
    }
  }

  /** The last load failure, if the last attempt failed. */
  String lastError() {
    return lastError;
  }

  /**
   * The CRL in use if its signature verifies with the issuer's key, else null. The signature is
   * checked once, then the key is remembered. The issuer comes from a chain that was already
   * verified, so its key is trusted.
   */
  ParsedCrl verifiedWith(X509Certificate issuer) {
    PublicKey key = issuer.getPublicKey();
    Loaded l = current;
    if (l == null) {
      return null;
    }
    if (key.equals(l.verifiedKey)) {
      return l.crl;
    }
    lock.lock();
    try {
      l = current;
      if (key.equals(l.verifiedKey)) {
        return l.crl;
      }
      if (l.verifiedKey != null || l.crl.tbs() == null || !CrlSignature.verifies(l.crl, key)) {
        return null;
      }
      current = new Loaded(l.crl.withoutTbs(), l.loadedAt, l.stamp, key);
      return current.crl;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Due when: the file changed since the last attempt (looked at no more than once a second); or
   * the refresh time came (interval, or shortly before nextUpdate) and no attempt failed within the
   * retry back-off; or, for a URL, nothing is loaded yet and the back-off has passed.
   */
  private boolean isDue(Loaded c, Instant now) {
    if (file != null && !now.isBefore(nextFileCheck)) {
      nextFileCheck = now.plus(FILE_CHECK);
      if (!FileStamp.of(List.of(file)).equals(lastStamp)) {
        return true;
      }
    }
    if (now.isBefore(nextAttempt)) {
      return false;
    }
    if (c == null) {
      return file == null;
    }
    Instant refreshAt = c.loadedAt.plus(interval);
    if (c.crl.nextUpdate() != null) {
      Instant beforeNext = c.crl.nextUpdate().minus(BEFORE_NEXT_UPDATE);
      if (beforeNext.isBefore(refreshAt)) {
        refreshAt = beforeNext.isBefore(c.loadedAt.plus(MIN_RETRY))
            ? c.loadedAt.plus(MIN_RETRY) : beforeNext;
      }
    }
    return !now.isBefore(refreshAt);
  }

  private void load(Instant now, boolean forced) {
    Loaded old = current;
    FileStamp stamp = file != null ? FileStamp.of(List.of(file)) : null;
    lastStamp = stamp;
    attempts++;
    try {
      byte[] der = Pem.crlDer(fetch(), origin());
      ParsedCrl crl = CrlParser.parse(der);
      PublicKey key = null;
      if (old != null && old.verifiedKey != null) {
        if (!crl.issuer().equals(old.crl.issuer()) || !CrlSignature.verifies(crl, old.verifiedKey)) {
          throw new IOException("new CRL is not signed by " + old.crl.issuer().getName()
              + " with the key of the CRL in use");
        }
        key = old.verifiedKey;
        crl = crl.withoutTbs();
      }
      if (old != null && old.crl.crlNumber() != null && crl.crlNumber() != null
          && crl.crlNumber().compareTo(old.crl.crlNumber()) < 0) {
        throw new IOException("new CRL number " + crl.crlNumber() + " is older than "
            + old.crl.crlNumber() + " in use");
      }
      current = new Loaded(crl, now, stamp, key);
      lastError = null;
      nextAttempt = Instant.MIN;
      nextFileCheck = now.plus(FILE_CHECK);
      String desc = crl.toString();
      LOG.log(System.Logger.Level.DEBUG, "loaded CRL from {0}: {1}", origin(), desc);
      if (old == null || forced || !sameCrl(old.crl, crl)) {
        listeners.forEach(l -> l.reloaded("CRL " + origin(), desc));
      }
    } catch (IOException | RuntimeException e) {
      String error = e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
      lastError = error;
      nextAttempt = now.plus(MIN_RETRY.compareTo(interval) < 0 ? MIN_RETRY : interval);
      if (old != null) {
        // Keep the last good CRL, but remember this file version so it is not re-read every check.
        current = new Loaded(old.crl, old.loadedAt, stamp, old.verifiedKey);
      }
      LOG.log(System.Logger.Level.WARNING, "cannot load CRL from {0}: {1}{2}", origin(), error,
          old == null ? "" : " (keeping the CRL in use)");
      listeners.forEach(l -> l.reloadFailed("CRL " + origin(), error));
    }
  }

  private static boolean sameCrl(ParsedCrl a, ParsedCrl b) {
    return a.thisUpdate().equals(b.thisUpdate()) && a.issuer().equals(b.issuer())
        && java.util.Objects.equals(a.crlNumber(), b.crlNumber());
  }

  private byte[] fetch() throws IOException {
    if (file != null) {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException("CRL file " + file + " is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    }
    try {
      HttpClient client;
      synchronized (this) {
        if (http == null) {
          http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(httpTimeout)
              .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        client = http;
      }
      HttpResponse<byte[]> r = client.send(
          HttpRequest.newBuilder(url).timeout(httpTimeout).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + url + " answered HTTP " + r.statusCode());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    } catch (IOException e) {
      throw new IOException("cannot fetch CRL from " + url + ": " + e, e);
    }
  }

  private boolean lockInterruptibly() {
    try {
      lock.lockInterruptibly();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
