package dev.padlock.tls.diagnose;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Objects;

/**
 * A peer certificate was refused: the {@link FailureCause} says why and the message gives the detail
 * (which certificate, which date, which name). Thrown by padlock's trust manager, so the TLS stack
 * sends the peer only a standard alert, while logs and listeners get this detail.
 */
public final class PeerCertificateException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final FailureCause failureCause;

  public PeerCertificateException(FailureCause failureCause, String detail) {
    this(failureCause, detail, null);
  }

  public PeerCertificateException(FailureCause failureCause, String detail, Throwable cause) {
    super(failureCause.summary() + ": " + detail, alertHint(failureCause, detail, cause));
    this.failureCause = Objects.requireNonNull(failureCause);
  }

  /** Why the certificate was refused. */
  public FailureCause failureCause() {
    return failureCause;
  }

  /** The detail without the summary prefix. */
  public String detail() {
    String m = getMessage();
    int i = m.indexOf(": ");
    return i < 0 ? m : m.substring(i + 2);
  }

  /**
   * The JDK's TLS stack picks the alert it sends from the reason of a {@link
   * CertPathValidatorException} cause: unknown_ca, certificate_expired, certificate_revoked, or the
   * generic certificate_unknown. Only that category reaches the peer; the detail stays here.
   */
  private static Throwable alertHint(FailureCause cause, String detail, Throwable original) {
    CertPathValidatorException.Reason reason = switch (cause) {
      case PEER_CERTIFICATE_UNTRUSTED -> java.security.cert.PKIXReason.NO_TRUST_ANCHOR;
      case PEER_CERTIFICATE_EXPIRED -> CertPathValidatorException.BasicReason.EXPIRED;
      case PEER_CERTIFICATE_REVOKED -> CertPathValidatorException.BasicReason.REVOKED;
      default -> CertPathValidatorException.BasicReason.UNSPECIFIED;
    };
    return new CertPathValidatorException(cause.summary(), original, null, -1, reason);
  }
}
