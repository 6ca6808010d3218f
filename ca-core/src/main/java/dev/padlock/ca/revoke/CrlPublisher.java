package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.RevokedEntry;
import dev.padlock.ca.store.StoredCrl;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Publishes the issuing CA's CRLs, one at a time, off the caller's thread. A revocation is committed to the
 * store (OCSP answers from there at once) and then {@linkplain #request() asks} for a CRL; requests that
 * arrive while a CRL is being built are served together by the next build, which starts after they were
 * made and so lists every revocation committed before them. At most one build is in flight per publisher.
 *
 * <p>Builds are incremental: the publisher keeps the last CRL it built and the store sequence of the last
 * revocation in it, reads only the revocations committed since ({@link
 * CertificateStore#forEachRevokedSince}: any process's, in commit order) and adds them to the earlier
 * entries, which are not converted again. Only the first build in a process reads every revocation. The
 * CRL number comes from the store each time, and a CRL is saved only above the stored number, so numbers
 * strictly increase across processes; when another process saved first, the build is redone with the next
 * number.
 */
public final class CrlPublisher implements AutoCloseable {
  private static final int MAX_ATTEMPTS = 10;

  private final CertificateStore store;
  private final X509CertificateHolder issuer;
  private final Supplier<CaSigner> signer;
  private final Clock clock;
  private final Duration lifetime;
  private final Object lock = new Object();
  /** Requests not yet taken by a build; served by the next one. Guarded by lock. */
  private CompletableFuture<StoredCrl> pending;
  /** A build is in flight or about to start. Guarded by lock. */
  private boolean running;
  private boolean closed;
  private ExecutorService thread;

  // Owned by the build loop (one build at a time).
  private X509CRLHolder built;
  private long builtThrough = Long.MIN_VALUE;
  private volatile StoredCrl lastSaved;

  /** @param lifetime how long each CRL is valid: nextUpdate = thisUpdate + lifetime */
  public CrlPublisher(CertificateStore store, X509CertificateHolder issuer, Supplier<CaSigner> signer, Clock clock,
      Duration lifetime) {
    this.store = store;
    this.issuer = issuer;
    this.signer = signer;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /**
   * Asks for a CRL listing every revocation committed before this call. Returns at once; the future
   * completes when such a CRL is saved (with that CRL), or fails with the build's {@link PadlockException}.
   */
  public CompletableFuture<StoredCrl> request() {
    synchronized (lock) {
      if (closed) {
        throw new PadlockException(ErrorCode.INTERNAL, "the CRL publisher is closed");
      }
      if (pending == null) {
        pending = new CompletableFuture<>();
      }
      CompletableFuture<StoredCrl> f = pending;
      if (!running) {
        running = true;
        if (thread == null) {
          thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "padlock-crl-publisher");
            t.setDaemon(true);
            return t;
          });
        }
        thread.execute(this::buildLoop);
      }
      return f;
    }
  }

  /** Signs and saves a new CRL now (through the one publisher) and returns it. */
  public StoredCrl publish() {
    return await(request());
  }

  /** Waits for a requested CRL; a failed build is rethrown as its {@link PadlockException}. */
  public static StoredCrl await(CompletableFuture<StoredCrl> crl) {
    try {
      return crl.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof PadlockException p) {
        throw p;
      }
      throw new PadlockException(ErrorCode.INTERNAL, "cannot publish a CRL: " + e.getCause(), e.getCause());
    }
  }

  /** The last CRL this publisher saved, if any (without reading the store). */
  public Optional<StoredCrl> lastSaved() {
    return Optional.ofNullable(lastSaved);
  }

  private void buildLoop() {
    while (true) {
      CompletableFuture<StoredCrl> serving;
      synchronized (lock) {
        serving = pending;
        pending = null;
        if (serving == null) {
          running = false;
          lock.notifyAll();
          return;
        }
      }
      try {
        serving.complete(build());
      } catch (RuntimeException | Error e) {
        built = null; // start over from the store next time
        builtThrough = Long.MIN_VALUE;
        serving.completeExceptionally(e);
      }
    }
  }

  private StoredCrl build() {
    CaSigner s = signer.get();
    List<RevokedEntry> added = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      BigInteger number = store.nextCrlNumber();
      builtThrough = store.forEachRevokedSince(builtThrough, added::add);
      Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      CrlTemplate template = new CrlTemplate(issuer, number, thisUpdate, thisUpdate.plus(lifetime));
      if (built != null) {
        template.addEntries(built);
      }
      added.forEach(template);
      added.clear();
      X509CRLHolder crl = template.sign(s);
      built = crl;
      StoredCrl stored;
      try {
        stored = new StoredCrl(number, thisUpdate, thisUpdate.plus(lifetime), crl.getEncoded(), builtThrough);
      } catch (IOException e) {
        throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the CRL", e);
      }
      if (store.saveCrl(stored)) {
        lastSaved = stored;
        return stored;
      }
      // Another process saved this number or a later one first: the entries stay good, the number moves on.
    }
    throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "cannot publish a CRL: other writers kept taking its number");
  }

  /** Finishes the build in flight and the requested ones, then stops the publisher's thread. */
  @Override
  public void close() {
    ExecutorService t;
    synchronized (lock) {
      closed = true;
      boolean interrupted = false;
      while (running) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      t = thread;
    }
    if (t != null) {
      t.shutdown();
      try {
        t.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
