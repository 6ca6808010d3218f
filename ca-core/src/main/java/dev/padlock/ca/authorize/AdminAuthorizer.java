package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import dev.padlock.ca.sign.SignatureCheck;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Authorizes administrators: callers presenting, over mutual TLS, one of the admin certificates listed in
 * the CA directory's {@code admin.pem} (written by {@code padlock init}), valid and not revoked. No
 * passwords. An admin may get anything the profiles allow, list, revoke and create tokens.
 */
public final class AdminAuthorizer {
  private final Set<String> adminFingerprints;
  private final CertificateStore store;
  private final X509CertificateHolder issuing;
  private final SignatureCheck issuerSignature;
  private final Clock clock;

  /** @param adminFingerprints SHA-256 fingerprints (hex) of the admin certificates; empty denies everyone */
  public AdminAuthorizer(Set<String> adminFingerprints, CertificateStore store, X509CertificateHolder issuing,
      Clock clock) {
    this(adminFingerprints, store, issuing, PresentedCertificate.issuerSignature(issuing), clock);
  }

  /** @param issuerSignature the check of the issuing CA's signatures, kept by the CA (its key decoded once) */
  public AdminAuthorizer(Set<String> adminFingerprints, CertificateStore store, X509CertificateHolder issuing,
      SignatureCheck issuerSignature, Clock clock) {
    this.adminFingerprints = Set.copyOf(adminFingerprints);
    this.store = store;
    this.issuing = issuing;
    this.issuerSignature = issuerSignature;
    this.clock = clock;
  }

  /**
   * @throws PadlockException {@link ErrorCode#UNAUTHORIZED} without a client certificate of this CA, {@link
   *     ErrorCode#FORBIDDEN} for a certificate that is not an admin's (or is revoked)
   */
  public Authorization authorize(X509CertificateHolder presented) {
    if (presented == null) {
      throw new PadlockException(ErrorCode.UNAUTHORIZED,
          "this needs the admin client certificate, presented over mutual TLS");
    }
    if (!isAdmin(presented)) {
      throw new PadlockException(ErrorCode.FORBIDDEN, "this needs the admin client certificate; "
          + "the certificate presented is not an admin's");
    }
    CertificateRecord r = PresentedCertificate.check(presented, issuing, issuerSignature, store,
        clock.instant().truncatedTo(ChronoUnit.SECONDS));
    return new Authorization("admin:" + r.commonName() + ":" + r.serial().hex(), Constraints.NONE, Optional.empty());
  }

  /** True if the certificate is one of the admin certificates (not checking revocation or validity). */
  public boolean isAdmin(X509CertificateHolder cert) {
    try {
      return cert != null && adminFingerprints.contains(Fingerprints.sha256(cert.getEncoded()));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * May the caller revoke {@code target}? An admin may revoke anything; a holder may revoke the
   * certificate it presents (valid and unrevoked).
   *
   * @return the actor, for the audit log
   * @throws PadlockException {@link ErrorCode#UNAUTHORIZED} or {@link ErrorCode#FORBIDDEN}
   */
  public String authorizeRevocation(X509CertificateHolder presented, CertificateRecord target) {
    if (isAdmin(presented)) {
      return authorize(presented).actor();
    }
    CertificateRecord holder = PresentedCertificate.check(presented, issuing, issuerSignature, store,
        clock.instant().truncatedTo(ChronoUnit.SECONDS));
    if (!holder.serial().equals(target.serial())) {
      throw new PadlockException(ErrorCode.FORBIDDEN, "only an admin or the certificate's own holder may revoke "
          + target.serial());
    }
    return "holder:" + holder.serial().hex();
  }
}
