package dev.padlock.tls.diagnose;

import java.time.Instant;
import java.util.Optional;

/**
 * One handshake a padlock server (or client) refused or lost: when, with whom, the named cause, the
 * detail, and a summary of the peer's certificate when it sent one.
 */
public record RefusedHandshake(Instant time, String peerAddress, FailureCause cause, String detail,
    Optional<CertificateSummary> peerCertificate) {

  @Override
  public String toString() {
    return "handshake with " + peerAddress + " refused: " + cause.code() + " (" + detail + ")"
        + peerCertificate.map(c -> "; peer certificate " + c).orElse("");
  }
}
