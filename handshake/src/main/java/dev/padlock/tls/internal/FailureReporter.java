package dev.padlock.tls.internal;

import dev.padlock.tls.diagnose.CertificateSummary;
import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.HandshakeListener;
import dev.padlock.tls.diagnose.RefusedHandshake;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Tells the listener and the System.Logger about each refused handshake, once. */
public final class FailureReporter {
  private static final System.Logger LOG = System.getLogger("dev.padlock.tls.handshake");

  private final HandshakeListener listener;
  private final Clock clock;
  private final String side;

  public FailureReporter(HandshakeListener listener, Clock clock, boolean server) {
    this.listener = listener;
    this.clock = clock;
    this.side = server ? "server" : "client";
  }

  /** A refusal by our trust manager: the cause and the peer's certificate. */
  public void refusedPeer(Diagnosis d, String peer, List<X509Certificate> chain) {
    Optional<CertificateSummary> leaf = chain == null || chain.isEmpty() ? Optional.empty()
        : Optional.of(CertificateSummary.of(chain.get(0)));
    emit(new RefusedHandshake(clock.instant(), peer, d.cause(), d.detail(), leaf));
  }

  /**
   * A handshake failure seen by a socket or engine. Failures our trust manager raised were reported
   * when it raised them and are skipped here.
   */
  public void failed(Throwable failure, String peer) {
    if (Classifier.peerCertificateException(failure).isPresent()) {
      return;
    }
    Diagnosis d = Classifier.classify(failure);
    emit(new RefusedHandshake(clock.instant(), peer, d.cause(), d.detail(), Optional.empty()));
  }

  private void emit(RefusedHandshake event) {
    // A server's refusals are its operator's business (WARNING); a client's caller gets the
    // exception with the same detail, so the log only keeps it for debugging.
    LOG.log(side.equals("server") ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
        "{0}: {1}", side, event);
    try {
      listener.refused(event);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "handshake listener failed", e);
    }
  }
}
