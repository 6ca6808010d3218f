package dev.padlock.ca.issue;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.sign.CaSigner;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * What is signed: the to-be-signed part of a certificate, built with Bouncy Castle's builder. It never
 * sees a private key; {@link #sign(CaSigner)} hands it to the signer. Self-signed roots pass a signer
 * whose certificate is not yet known, so the issuer name and key come from the template itself.
 */
public final class CertificateTemplate {
  private static final BcX509ExtensionUtils EXT = new BcX509ExtensionUtils();

  private final X509v3CertificateBuilder builder;

  private CertificateTemplate(X509v3CertificateBuilder builder) {
    this.builder = builder;
  }

  /** An end-entity certificate: v3, CA:false, critical key usage, EKU, SAN, AKI/SKI, CRL DP and OCSP AIA. */
  public static CertificateTemplate leaf(X509CertificateHolder issuer, SerialNumber serial, X500Name subject,
      SubjectPublicKeyInfo key, boolean rsaKey, Instant notBefore, Instant notAfter, KeyPurposeId eku,
      List<SubjectAltName> sans, Optional<String> baseUrl) {
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.getSubject(), serial.value(),
        Date.from(notBefore), Date.from(notAfter), subject, key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int usage = KeyUsage.digitalSignature | (rsaKey ? KeyUsage.keyEncipherment : 0);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
      if (!sans.isEmpty()) {
        GeneralName[] names = sans.stream().map(SubjectAltName::toGeneralName).toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      b.addExtension(Extension.subjectKeyIdentifier, false, EXT.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer));
      if (baseUrl.isPresent()) {
        addRevocationPointers(b, baseUrl.get());
      }
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build certificate extensions", e);
    }
    return new CertificateTemplate(b);
  }

  /**
   * A delegated OCSP responder's certificate (RFC 6960 §4.2.2.2): CA:false, critical key usage
   * digitalSignature, EKU OCSPSigning, and id-pkix-ocsp-nocheck (§4.2.2.2.1), so relying parties do not ask
   * about the responder itself: such a certificate must be short-lived.
   */
  public static CertificateTemplate ocspResponder(X509CertificateHolder issuer, SerialNumber serial, X500Name subject,
      SubjectPublicKeyInfo key, Instant notBefore, Instant notAfter) {
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.getSubject(), serial.value(),
        Date.from(notBefore), Date.from(notAfter), subject, key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
      b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
      b.addExtension(Extension.subjectKeyIdentifier, false, EXT.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer));
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build OCSP responder certificate extensions", e);
    }
    return new CertificateTemplate(b);
  }

  /** A CA certificate with the given path length; {@code issuer} is null for a self-signed root. */
  public static CertificateTemplate ca(X509CertificateHolder issuer, SerialNumber serial, X500Name subject,
      SubjectPublicKeyInfo key, Instant notBefore, Instant notAfter, int pathLength, boolean signsOcsp) {
    X500Name issuerName = issuer == null ? subject : issuer.getSubject();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, serial.value(), Date.from(notBefore),
        Date.from(notAfter), subject, key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
      int usage = KeyUsage.keyCertSign | KeyUsage.cRLSign | (signsOcsp ? KeyUsage.digitalSignature : 0);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      b.addExtension(Extension.subjectKeyIdentifier, false, EXT.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
          ? EXT.createAuthorityKeyIdentifier(key) : authorityKeyIdentifier(issuer));
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build CA certificate extensions", e);
    }
    return new CertificateTemplate(b);
  }

  /**
   * The AKI naming the issuer's key only (its SKI), not its name and serial, so certificates still chain
   * when the issuing CA certificate is renewed with the same key.
   */
  public static AuthorityKeyIdentifier authorityKeyIdentifier(X509CertificateHolder issuer) {
    SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
    if (ski == null) {
      return EXT.createAuthorityKeyIdentifier(issuer.getSubjectPublicKeyInfo());
    }
    return new AuthorityKeyIdentifier(ski.getKeyIdentifier());
  }

  private static void addRevocationPointers(X509v3CertificateBuilder b, String baseUrl) throws IOException {
    GeneralName crl = new GeneralName(GeneralName.uniformResourceIdentifier, baseUrl + "/crl");
    DistributionPoint dp = new DistributionPoint(new DistributionPointName(new GeneralNames(crl)), null, null);
    b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {dp}));
    List<AccessDescription> access = new ArrayList<>();
    access.add(new AccessDescription(AccessDescription.id_ad_ocsp,
        new GeneralName(GeneralName.uniformResourceIdentifier, baseUrl + "/ocsp")));
    b.addExtension(Extension.authorityInfoAccess, false,
        new AuthorityInformationAccess(access.toArray(AccessDescription[]::new)));
  }

  public X509CertificateHolder sign(CaSigner signer) {
    return builder.build(signer.newContentSigner());
  }

  /** For a self-signed root: signs with the signer of the key the template certifies. */
  public X509CertificateHolder sign(org.bouncycastle.operator.ContentSigner contentSigner) {
    return builder.build(contentSigner);
  }
}
