package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import dev.padlock.ca.sign.SignatureCheck;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Authorizes a renewal (EST {@code simplereenroll}, RFC 7030 §4.2.2) by the certificate the caller holds:
 * it must be this CA's, valid now and not revoked. The new certificate keeps the profile, the CN and the
 * names of the current one; a new key is allowed.
 */
public final class RenewalAuthorizer {
  private final CertificateStore store;
  private final X509CertificateHolder issuing;
  private final SignatureCheck issuerSignature;
  private final Clock clock;

  public RenewalAuthorizer(CertificateStore store, X509CertificateHolder issuing, Clock clock) {
    this(store, issuing, PresentedCertificate.issuerSignature(issuing), clock);
  }

  /** @param issuerSignature the check of the issuing CA's signatures, kept by the CA (its key decoded once) */
  public RenewalAuthorizer(CertificateStore store, X509CertificateHolder issuing, SignatureCheck issuerSignature,
      Clock clock) {
    this.store = store;
    this.issuing = issuing;
    this.issuerSignature = issuerSignature;
    this.clock = clock;
  }

  /**
   * @throws PadlockException {@link ErrorCode#UNAUTHORIZED} without a valid certificate of this CA,
   *     {@link ErrorCode#FORBIDDEN} for a revoked one
   */
  public Authorization authorize(X509CertificateHolder presented) {
    CertificateRecord current = PresentedCertificate.check(presented, issuing, issuerSignature, store,
        clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Constraints same = Constraints.of(current.profile(), current.commonName(),
        current.sans().stream().map(SubjectAltName::parse).toList());
    return new Authorization("mtls:" + current.serial().hex(), same, Optional.empty());
  }
}
