package dev.padlock.ca;

import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

/** What a certificate says, read with Bouncy Castle, for people ({@code padlock show}) and the JSON API. */
public record CertificateInfo(
    SerialNumber serial, String subject, String issuer, List<String> sans, Instant notBefore, Instant notAfter,
    String keyType, boolean ca, List<String> keyUsage, List<String> extendedKeyUsage, List<String> crlUrls,
    List<String> ocspUrls, String fingerprintSha256) {

  public static CertificateInfo of(X509CertificateHolder cert) {
    Extensions ext = cert.getExtensions();
    List<String> sans = new ArrayList<>();
    GeneralNames names = ext == null ? null : GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    if (names != null) {
      for (GeneralName g : names.getNames()) {
        sans.add(SubjectAltName.of(g).map(SubjectAltName::toString).orElse("other:" + g.getName()));
      }
    }
    BasicConstraints bc = ext == null ? null : BasicConstraints.fromExtensions(ext);
    String fp;
    try {
      fp = Fingerprints.sha256(cert.getEncoded());
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "cannot encode certificate", e);
    }
    return new CertificateInfo(new SerialNumber(cert.getSerialNumber()), cert.getSubject().toString(),
        cert.getIssuer().toString(), sans, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
        keyType(cert), bc != null && bc.isCA(), keyUsage(ext), extendedKeyUsage(ext), crlUrls(ext), ocspUrls(ext), fp);
  }

  private static String keyType(X509CertificateHolder cert) {
    try {
      return KeyAlgorithm.of(cert.getSubjectPublicKeyInfo()).label();
    } catch (PadlockException e) {
      return cert.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
    }
  }

  private static List<String> keyUsage(Extensions ext) {
    List<String> out = new ArrayList<>();
    KeyUsage ku = ext == null ? null : KeyUsage.fromExtensions(ext);
    if (ku == null) {
      return out;
    }
    String[] names = {"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
        "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    int[] bits = {KeyUsage.digitalSignature, KeyUsage.nonRepudiation, KeyUsage.keyEncipherment,
        KeyUsage.dataEncipherment, KeyUsage.keyAgreement, KeyUsage.keyCertSign, KeyUsage.cRLSign,
        KeyUsage.encipherOnly, KeyUsage.decipherOnly};
    for (int i = 0; i < bits.length; i++) {
      if (ku.hasUsages(bits[i])) {
        out.add(names[i]);
      }
    }
    return out;
  }

  private static List<String> extendedKeyUsage(Extensions ext) {
    List<String> out = new ArrayList<>();
    ExtendedKeyUsage eku = ext == null ? null : ExtendedKeyUsage.fromExtensions(ext);
    if (eku == null) {
      return out;
    }
    for (KeyPurposeId id : eku.getUsages()) {
      ASN1ObjectIdentifier oid = id.toOID();
      if (oid.equals(KeyPurposeId.id_kp_serverAuth.toOID())) {
        out.add("serverAuth");
      } else if (oid.equals(KeyPurposeId.id_kp_clientAuth.toOID())) {
        out.add("clientAuth");
      } else if (oid.equals(KeyPurposeId.id_kp_OCSPSigning.toOID())) {
        out.add("OCSPSigning");
      } else if (oid.equals(KeyPurposeId.id_kp_codeSigning.toOID())) {
        out.add("codeSigning");
      } else if (oid.equals(KeyPurposeId.id_kp_emailProtection.toOID())) {
        out.add("emailProtection");
      } else {
        out.add(oid.getId());
      }
    }
    return out;
  }

  private static List<String> crlUrls(Extensions ext) {
    List<String> out = new ArrayList<>();
    CRLDistPoint dps = ext == null ? null : CRLDistPoint.fromExtensions(ext);
    if (dps == null) {
      return out;
    }
    for (DistributionPoint dp : dps.getDistributionPoints()) {
      if (dp.getDistributionPoint() != null && dp.getDistributionPoint().getName() instanceof GeneralNames gn) {
        for (GeneralName g : gn.getNames()) {
          if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
            out.add(g.getName().toString());
          }
        }
      }
    }
    return out;
  }

  private static List<String> ocspUrls(Extensions ext) {
    List<String> out = new ArrayList<>();
    AuthorityInformationAccess aia = ext == null ? null : AuthorityInformationAccess.fromExtensions(ext);
    if (aia == null) {
      return out;
    }
    for (AccessDescription ad : aia.getAccessDescriptions()) {
      if (ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
          && ad.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
        out.add(ad.getAccessLocation().getName().toString());
      }
    }
    return out;
  }

}
