package dev.padlock.ca.store;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.revoke.RevocationReason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A certificate as the store keeps it: the DER and what is searched for, plus its revocation state. */
public record CertificateRecord(
    SerialNumber serial,
    String subject,
    String commonName,
    List<String> sans,
    String profile,
    String keyType,
    Instant notBefore,
    Instant notAfter,
    Instant issuedAt,
    String fingerprintSha256,
    byte[] der,
    String requester,
    Optional<Revocation> revocation) {

  /** When and why a certificate was revoked. */
  public record Revocation(Instant at, RevocationReason reason) {}

  public CertificateRecord {
    Objects.requireNonNull(serial, "serial");
    sans = List.copyOf(sans);
    Objects.requireNonNull(der, "der");
    Objects.requireNonNull(revocation, "revocation");
  }

  public CertificateStatus status(Instant now) {
    if (revocation.isPresent()) {
      return CertificateStatus.REVOKED;
    }
    return now.isAfter(notAfter) ? CertificateStatus.EXPIRED : CertificateStatus.VALID;
  }

  public CertificateRecord revoked(Instant at, RevocationReason reason) {
    return new CertificateRecord(serial, subject, commonName, sans, profile, keyType, notBefore, notAfter, issuedAt,
        fingerprintSha256, der, requester, Optional.of(new Revocation(at, reason)));
  }
}
