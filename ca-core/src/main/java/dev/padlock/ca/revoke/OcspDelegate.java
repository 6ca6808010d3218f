package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.io.IOException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A delegated OCSP responder (RFC 6960 §4.2.2.2) for one process: on first use it makes an EC P-256 key
 * in memory — never written anywhere — has the issuing CA certify it for OCSP signing ({@link
 * CertificateTemplate#ocspResponder}), records the certificate in the store with its audit entry like every
 * certificate the CA hands out, and signs responses with it. When a third of its lifetime is left, the next
 * response gets a new one. The issuing CA's key then signs one certificate per lifetime instead of every
 * response.
 *
 * <p>Thread-safe.
 */
public final class OcspDelegate implements Supplier<CaSigner> {
  /** The profile name under which responder certificates are recorded. */
  public static final String PROFILE = "ocsp-responder";

  private final X509CertificateHolder issuing;
  private final Supplier<CaSigner> issuingSigner;
  private final CertificateStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration validity;
  private volatile CaSigner current;

  public OcspDelegate(X509CertificateHolder issuing, Supplier<CaSigner> issuingSigner, CertificateStore store,
      Clock clock, SecureRandom random, Duration validity) {
    this.issuing = issuing;
    this.issuingSigner = issuingSigner;
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.validity = validity;
  }

  /** The responder's signer, made (and stored) on first use and again when a third of its life is left. */
  @Override
  public CaSigner get() {
    Instant now = clock.instant();
    CaSigner c = current;
    if (c == null || due(c, now)) {
      synchronized (this) {
        c = current;
        if (c == null || due(c, now)) {
          c = issue(now.truncatedTo(ChronoUnit.SECONDS));
          current = c;
        }
      }
    }
    return c;
  }

  private static boolean due(CaSigner s, Instant now) {
    Instant from = s.certificate().getNotBefore().toInstant();
    Instant to = s.certificate().getNotAfter().toInstant();
    return !now.isBefore(to.minus(Duration.between(from, to).dividedBy(3)));
  }

  private CaSigner issue(Instant now) {
    CaSigner ca = issuingSigner.get();
    Instant issuerEnd = issuing.getNotAfter().toInstant();
    if (!now.isBefore(issuerEnd)) {
      throw new PadlockException(ErrorCode.ISSUER_EXPIRED, "the issuing CA certificate expired at " + issuerEnd
          + ": it cannot certify an OCSP responder");
    }
    Instant notBefore = now.minus(Duration.ofMinutes(1));
    Instant notAfter = now.plus(validity).isAfter(issuerEnd) ? issuerEnd : now.plus(validity);
    String cn = IETFUtils.valueToString(issuing.getSubject().getRDNs(BCStyle.CN).length > 0
        ? issuing.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue() : issuing.getSubject()) + " OCSP Responder";
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    KeyPair key = KeyAlgorithm.EC_P256.generate(random);
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
    for (int attempt = 0; ; attempt++) {
      SerialNumber serial = SerialNumber.random(random);
      X509CertificateHolder cert = CertificateTemplate.ocspResponder(issuing, serial, subject, spki, notBefore,
          notAfter).sign(ca);
      byte[] der;
      try {
        der = cert.getEncoded();
      } catch (IOException e) {
        throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the OCSP responder certificate", e);
      }
      String fingerprint = Fingerprints.sha256(der);
      CertificateRecord record = new CertificateRecord(serial, subject.toString(), cn, List.of(), PROFILE,
          KeyAlgorithm.EC_P256.label(), notBefore, notAfter, now, fingerprint, der, "ocsp", Optional.empty());
      try {
        store.recordIssued(record, new AuditEvent(now, "issue", serial.hex(), "ocsp", "profile=" + PROFILE
            + " cn=" + cn + " not_after=" + notAfter + " fingerprint=" + fingerprint));
        return new SoftwareCaSigner(cert, key.getPrivate());
      } catch (CertificateStore.DuplicateSerialException e) {
        if (attempt >= 3) {
          throw new PadlockException(ErrorCode.INTERNAL, "cannot find a free serial number", e);
        }
      }
    }
  }
}
