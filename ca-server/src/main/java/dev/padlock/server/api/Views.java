package dev.padlock.server.api;

import dev.padlock.ca.authorize.EnrollmentToken;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.store.CertificateRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON bodies of the API, as records (Jackson writes and reads them). See openapi.json. */
final class Views {
  private Views() {}

  /** {@code POST /api/v1/enroll}. */
  record EnrollBody(String csr, String token, String profile) {}

  /** {@code POST /api/v1/certificates/{serial}/revoke}. */
  record RevokeBody(String reason) {}

  /** {@code POST /api/v1/tokens}. */
  record TokenBody(String profile, String cn, List<String> sans, String ttl) {}

  record Certificate(String serial, String subject, String commonName, List<String> sans, String profile,
      String keyType, String notBefore, String notAfter, String issuedAt, String status, String revokedAt,
      String revocationReason, String fingerprintSha256, String certificate) {
    static Certificate of(CertificateRecord r, Instant now) {
      return new Certificate(r.serial().hex(), r.subject(), r.commonName(), r.sans(), r.profile(), r.keyType(),
          r.notBefore().toString(), r.notAfter().toString(), r.issuedAt().toString(), r.status(now).label(),
          r.revocation().map(x -> x.at().toString()).orElse(null),
          r.revocation().map(x -> x.reason().rfcName()).orElse(null), r.fingerprintSha256(),
          Pem.certificate(holder(r)));
    }
  }

  /** An issued certificate with the chain to install: the certificate, the issuing CA, the root. */
  record Enrolled(Certificate certificate, String chain) {
    static Enrolled of(IssuedCertificate issued, Instant now) {
      List<org.bouncycastle.cert.X509CertificateHolder> all = new ArrayList<>();
      all.add(issued.certificate());
      all.addAll(issued.chain());
      return new Enrolled(Certificate.of(issued.record(), now), Pem.certificates(all));
    }
  }

  record Revoked(String serial, String revokedAt, String reason, String crlNumber) {}

  record Token(String token, String id, String profile, String cn, List<String> sans, String expiresAt) {
    static Token of(EnrollmentToken t) {
      return new Token(t.value(), t.grant().id(), t.grant().profile(), t.grant().commonName(),
          t.grant().sans().stream().map(SubjectAltName::toString).toList(), t.grant().expiresAt().toString());
    }
  }

  record Health(String status, String ca, String crlNumber, String crlNextUpdate) {}

  private static org.bouncycastle.cert.X509CertificateHolder holder(CertificateRecord r) {
    return Pem.readCertificate(r.der(), "certificate " + r.serial());
  }
}
