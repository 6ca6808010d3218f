package dev.padlock.tls.diagnose;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a probe found: either the handshake worked (protocol, cipher suite, the peer's verified
 * chain) or it failed with one {@link Diagnosis}.
 */
public record ProbeResult(Optional<Diagnosis> failure, String protocol, String cipherSuite,
    List<X509Certificate> peerChain, Duration handshakeTime) {

  public ProbeResult {
    peerChain = List.copyOf(peerChain);
  }

  static ProbeResult failed(Diagnosis d, Duration time) {
    return new ProbeResult(Optional.of(d), null, null, List.of(), time);
  }

  public boolean ok() {
    return failure.isEmpty();
  }

  /** The cause, if it failed. */
  public Optional<FailureCause> cause() {
    return failure.map(Diagnosis::cause);
  }
}
