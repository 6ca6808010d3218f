package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.sign.SignatureCheck;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks a certificate a caller presented over mutual TLS, independently of the TLS layer: signed by this
 * CA's issuing key, in the store with the same fingerprint, within its validity, not revoked. Throws; the
 * caller is told little, the message names the serial for the log.
 */
final class PresentedCertificate {
  private PresentedCertificate() {}

  /** The check of signatures by the issuing CA's key; the CA keeps one, so its key is decoded once. */
  static SignatureCheck issuerSignature(X509CertificateHolder issuing) {
    try {
      return SignatureCheck.of(issuing.getSubjectPublicKeyInfo());
    } catch (OperatorCreationException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot read the key of the issuing CA certificate "
          + issuing.getSubject(), e);
    }
  }

  static CertificateRecord check(X509CertificateHolder cert, X509CertificateHolder issuing,
      SignatureCheck issuerSignature, CertificateStore store, Instant now) {
    if (cert == null) {
      throw new PadlockException(ErrorCode.UNAUTHORIZED,
          "this needs a client certificate issued by this CA, presented over mutual TLS");
    }
    boolean signedByUs;
    try {
      signedByUs = cert.getIssuer().equals(issuing.getSubject()) && issuerSignature.verifies(cert);
    } catch (Exception e) {
      signedByUs = false;
    }
    if (!signedByUs) {
      throw new PadlockException(ErrorCode.UNAUTHORIZED, "the client certificate was not issued by this CA");
    }
    Optional<CertificateRecord> record;
    try {
      record = store.find(new SerialNumber(cert.getSerialNumber()));
      if (record.isPresent() && !record.get().fingerprintSha256().equals(Fingerprints.sha256(cert.getEncoded()))) {
        record = Optional.empty();
      }
    } catch (PadlockException | IOException e) {
      if (e instanceof PadlockException pe && pe.code() == ErrorCode.STORE_UNAVAILABLE) {
        throw pe;
      }
      record = Optional.empty();
    }
    CertificateRecord r = record.orElseThrow(() -> new PadlockException(ErrorCode.UNAUTHORIZED,
        "the client certificate is not one this CA has on record"));
    if (r.revocation().isPresent()) {
      throw new PadlockException(ErrorCode.FORBIDDEN, "the client certificate " + r.serial() + " is revoked");
    }
    if (now.isBefore(r.notBefore()) || now.isAfter(r.notAfter())) {
      throw new PadlockException(ErrorCode.UNAUTHORIZED, "the client certificate " + r.serial()
          + " is not valid now (valid " + r.notBefore() + " to " + r.notAfter() + ")");
    }
    return r;
  }
}
