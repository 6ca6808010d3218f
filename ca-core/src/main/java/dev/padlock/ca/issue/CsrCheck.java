package dev.padlock.ca.issue;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SignatureCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks a PKCS#10 request before anything is issued from it: its signature verifies with its own key
 * (proof of possession), the key is of a supported type, it does not ask to be a CA. Returns what it
 * asks for; the profile decides what it gets.
 */
public final class CsrCheck {
  private CsrCheck() {}

  /** What a verified CSR asks for. */
  public record Verified(SubjectPublicKeyInfo publicKey, KeyAlgorithm keyType, Optional<String> commonName,
      List<SubjectAltName> sans) {}

  public static Verified verify(PKCS10CertificationRequest csr) {
    KeyAlgorithm keyType = KeyAlgorithm.of(csr.getSubjectPublicKeyInfo());
    boolean valid;
    try {
      valid = SignatureCheck.of(csr.getSubjectPublicKeyInfo()).verifies(csr);
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.CSR_SIGNATURE_INVALID,
          "the CSR's signature cannot be checked: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new PadlockException(ErrorCode.CSR_SIGNATURE_INVALID,
          "the CSR's signature does not verify with its public key: it was altered or not signed by that key");
    }
    Extensions ext = requestedExtensions(csr);
    if (ext != null) {
      BasicConstraints bc = BasicConstraints.fromExtensions(ext);
      if (bc != null && bc.isCA()) {
        throw new PadlockException(ErrorCode.CA_REQUESTED,
            "the CSR asks for a CA certificate (basicConstraints CA:true): padlock issues only end-entity certificates");
      }
    }
    return new Verified(csr.getSubjectPublicKeyInfo(), keyType, commonName(csr), requestedSans(ext));
  }

  private static Optional<String> commonName(PKCS10CertificationRequest csr) {
    RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
    if (cns.length == 0) {
      return Optional.empty();
    }
    return Optional.of(IETFUtils.valueToString(cns[0].getFirst().getValue()));
  }

  private static Extensions requestedExtensions(PKCS10CertificationRequest csr) {
    try {
      for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        for (ASN1Encodable v : a.getAttributeValues()) {
          return Extensions.getInstance(v);
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw new PadlockException(ErrorCode.MALFORMED_CSR, "the CSR's requested extensions cannot be read", e);
    }
  }

  private static List<SubjectAltName> requestedSans(Extensions ext) {
    List<SubjectAltName> out = new ArrayList<>();
    if (ext == null) {
      return out;
    }
    GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    if (names == null) {
      return out;
    }
    for (GeneralName g : names.getNames()) {
      SubjectAltName.of(g).ifPresent(n -> out.add(SubjectAltName.parse(n.toString())));
    }
    return out;
  }
}
