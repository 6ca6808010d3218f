package dev.padlock.tls.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A fluent test PKI built with Bouncy Castle: roots, intermediates, leaves (EKU, SAN, validity, key
 * type, AIA/CDP) and CRLs, all in memory, with helpers to write PEM/DER/PKCS#12 files.
 *
 * <pre>{@code
 * TestPki.Ca root = TestPki.root("Test Root").clock(clock).build();
 * TestPki.Ca issuing = root.intermediate("Issuing CA").build();
 * TestPki.Leaf server = issuing.leaf("server").dns("localhost").ip("127.0.0.1").serverAuth().build();
 * X509CRL crl = issuing.crl().revoke(server, RevocationReason.KEY_COMPROMISE).build();
 * }</pre>
 *
 * <p>Times default to the builder's clock (system UTC unless set), truncated to seconds: certificates
 * are valid from one hour ago for 30 days (CAs: 10 years); a CRL is issued now and next updated in
 * one day.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffL);

  private TestPki() {}

  /** Key algorithms a test certificate can have. */
  public enum KeyType {
    EC_P256, EC_P384, RSA_2048, ED25519;

    public KeyPair generate() {
      try {
        return switch (this) {
          case EC_P256 -> ec("secp256r1");
          case EC_P384 -> ec("secp384r1");
          case RSA_2048 -> {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            yield g.generateKeyPair();
          }
          case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        };
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static KeyPair ec(String curve) throws GeneralSecurityException {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve), RANDOM);
      return g.generateKeyPair();
    }

    String signatureAlgorithm() {
      return switch (this) {
        case EC_P256 -> "SHA256withECDSA";
        case EC_P384 -> "SHA384withECDSA";
        case RSA_2048 -> "SHA256withRSA";
        case ED25519 -> "Ed25519";
      };
    }
  }

  /** CRL reason codes (RFC 5280 section 5.3.1). */
  public enum Reason {
    UNSPECIFIED(0), KEY_COMPROMISE(1), CA_COMPROMISE(2), AFFILIATION_CHANGED(3), SUPERSEDED(4),
    CESSATION_OF_OPERATION(5), CERTIFICATE_HOLD(6), REMOVE_FROM_CRL(8), PRIVILEGE_WITHDRAWN(9),
    AA_COMPROMISE(10);

    public final int code;

    Reason(int code) {
      this.code = code;
    }
  }

  /** Starts a self-signed root CA. */
  public static CaBuilder root(String commonName) {
    return new CaBuilder(null, commonName);
  }

  /** Starts a self-signed certificate that is not a CA (a "trust me" leaf no CA issued). */
  public static LeafBuilder selfSigned(String commonName) {
    return new LeafBuilder(null, commonName);
  }

  // ---------------------------------------------------------------------------------------------
  // CAs

  /** Builds a root or an intermediate CA. */
  public static final class CaBuilder {
    private final Ca parent;
    private final String commonName;
    private Clock clock;
    private KeyType keyType = KeyType.EC_P256;
    private Instant notBefore;
    private Instant notAfter;
    private Integer pathLength;
    private String crlUrl;
    private String ocspUrl;

    private CaBuilder(Ca parent, String commonName) {
      this.parent = parent;
      this.commonName = commonName;
      this.clock = parent == null ? Clock.systemUTC() : parent.clock;
    }

    /** The clock for default times, inherited by everything this CA issues. If unset, system UTC. */
    public CaBuilder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** If unset, EC P-256. */
    public CaBuilder keyType(KeyType keyType) {
      this.keyType = keyType;
      return this;
    }

    /** If unset, one hour ago until ten years from now. */
    public CaBuilder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** If unset, no path length constraint. */
    public CaBuilder pathLength(int pathLength) {
      this.pathLength = pathLength;
      return this;
    }

    /** A CRL distribution point in certificates this CA's parent issues (i.e. in this CA's cert). */
    public CaBuilder crlUrl(String url) {
      this.crlUrl = url;
      return this;
    }

    /** An OCSP responder URL (AIA) in this CA's certificate. If unset, none. */
    public CaBuilder ocspUrl(String url) {
      this.ocspUrl = url;
      return this;
    }

    public Ca build() {
      Instant now = now(clock);
      Instant from = notBefore != null ? notBefore : now.minus(Duration.ofHours(1));
      Instant to = notAfter != null ? notAfter : now.plus(Duration.ofDays(3650));
      KeyPair kp = keyType.generate();
      X500Name subject = name(commonName);
      X509Certificate cert = sign(parent, subject, kp.getPublic(), kp.getPrivate(), keyType, from, to,
          nextSerial(), ext -> {
            ext.add(Extension.basicConstraints, true,
                pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
            ext.add(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            aiaAndCdp(ext, ocspUrl, crlUrl);
          });
      return new Ca(parent, cert, kp.getPrivate(), keyType, clock);
    }
  }

  /** A CA: its certificate and key; issues intermediates, leaves and CRLs. */
  public static final class Ca {
    private final Ca parent;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final KeyType keyType;
    private final Clock clock;
    private final AtomicLong crlNumber = new AtomicLong(1);

    private Ca(Ca parent, X509Certificate certificate, PrivateKey privateKey, KeyType keyType,
        Clock clock) {
      this.parent = parent;
      this.certificate = certificate;
      this.privateKey = privateKey;
      this.keyType = keyType;
      this.clock = clock;
    }

    public X509Certificate certificate() {
      return certificate;
    }

    public PrivateKey privateKey() {
      return privateKey;
    }

    public KeyType keyType() {
      return keyType;
    }

    /** The parent CA, or null for a root. */
    public Ca parent() {
      return parent;
    }

    /** This CA's certificate and those of its parents, up to and including the root. */
    public List<X509Certificate> chain() {
      List<X509Certificate> out = new ArrayList<>();
      for (Ca c = this; c != null; c = c.parent) {
        out.add(c.certificate);
      }
      return out;
    }

    /** The root at the top of this CA's chain. */
    public Ca root() {
      Ca c = this;
      while (c.parent != null) {
        c = c.parent;
      }
      return c;
    }

    public CaBuilder intermediate(String commonName) {
      return new CaBuilder(this, commonName);
    }

    public LeafBuilder leaf(String commonName) {
      return new LeafBuilder(this, commonName);
    }

    public CrlBuilder crl() {
      return new CrlBuilder(this);
    }

    /** Writes this CA's certificate as PEM and returns the path. */
    public Path writePem(Path file) {
      return TestPki.writePem(file, certificate);
    }

    /** Writes this CA's private key as unencrypted PKCS#8 PEM (for openssl ocsp and the like). */
    public Path writeKeyPem(Path file) {
      return TestPki.writeKey(file, privateKey);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Leaves

  /** Builds an end-entity certificate. */
  public static final class LeafBuilder {
    private final Ca issuer;
    private final String commonName;
    private KeyType keyType = KeyType.EC_P256;
    private KeyPair keyPair;
    private Instant notBefore;
    private Instant notAfter;
    private BigInteger serial;
    private final List<GeneralName> sans = new ArrayList<>();
    private final List<KeyPurposeId> ekus = new ArrayList<>();
    private boolean ekuSet;
    private Integer keyUsage = KeyUsage.digitalSignature;
    private String ocspUrl;
    private String crlUrl;

    private LeafBuilder(Ca issuer, String commonName) {
      this.issuer = issuer;
      this.commonName = commonName;
    }

    /** If unset, EC P-256. */
    public LeafBuilder keyType(KeyType keyType) {
      this.keyType = keyType;
      return this;
    }

    /** Reuses a key pair (e.g. to renew a certificate with the same key). If unset, a fresh one. */
    public LeafBuilder keyPair(KeyPair keyPair) {
      this.keyPair = keyPair;
      return this;
    }

    /** If unset, one hour ago until 30 days from now. */
    public LeafBuilder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** If unset, a unique positive serial. */
    public LeafBuilder serial(BigInteger serial) {
      this.serial = serial;
      return this;
    }

    public LeafBuilder dns(String... names) {
      for (String n : names) {
        sans.add(new GeneralName(GeneralName.dNSName, n));
      }
      return this;
    }

    public LeafBuilder ip(String... addresses) {
      for (String a : addresses) {
        sans.add(new GeneralName(GeneralName.iPAddress, a));
      }
      return this;
    }

    public LeafBuilder uri(String... uris) {
      for (String u : uris) {
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
      }
      return this;
    }

    public LeafBuilder email(String... addresses) {
      for (String a : addresses) {
        sans.add(new GeneralName(GeneralName.rfc822Name, a));
      }
      return this;
    }

    /** Adds EKU serverAuth. If no EKU method is called, the certificate has no EKU extension. */
    public LeafBuilder serverAuth() {
      return eku(KeyPurposeId.id_kp_serverAuth);
    }

    /** Adds EKU clientAuth. */
    public LeafBuilder clientAuth() {
      return eku(KeyPurposeId.id_kp_clientAuth);
    }

    public LeafBuilder eku(KeyPurposeId... purposes) {
      ekuSet = true;
      ekus.addAll(List.of(purposes));
      return this;
    }

    /** Key usage bits (BC {@link KeyUsage} constants); null for none. If unset, digitalSignature. */
    public LeafBuilder keyUsage(Integer bits) {
      this.keyUsage = bits;
      return this;
    }

    /** An OCSP responder URL in the AIA extension. If unset, none. */
    public LeafBuilder ocspUrl(String url) {
      this.ocspUrl = url;
      return this;
    }

    /** A CRL distribution point URL. If unset, none. */
    public LeafBuilder crlUrl(String url) {
      this.crlUrl = url;
      return this;
    }

    public Leaf build() {
      Clock clock = issuer != null ? issuer.clock : Clock.systemUTC();
      Instant now = now(clock);
      Instant from = notBefore != null ? notBefore : now.minus(Duration.ofHours(1));
      Instant to = notAfter != null ? notAfter : now.plus(Duration.ofDays(30));
      KeyPair kp = keyPair != null ? keyPair : keyType.generate();
      KeyType signingType = issuer != null ? issuer.keyType : keyType;
      BigInteger sn = serial != null ? serial : nextSerial();
      X509Certificate cert = sign(issuer, name(commonName), kp.getPublic(), kp.getPrivate(),
          signingType, from, to, sn, ext -> {
            ext.add(Extension.basicConstraints, true, new BasicConstraints(false));
            if (keyUsage != null) {
              ext.add(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (ekuSet) {
              ext.add(Extension.extendedKeyUsage, false,
                  new ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
            }
            if (!sans.isEmpty()) {
              ext.add(Extension.subjectAlternativeName, false,
                  new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            aiaAndCdp(ext, ocspUrl, crlUrl);
          });
      return new Leaf(issuer, cert, kp);
    }
  }

  /** An end-entity certificate with its key and its issuer. */
  public static final class Leaf {
    private final Ca issuer;
    private final X509Certificate certificate;
    private final KeyPair keyPair;

    private Leaf(Ca issuer, X509Certificate certificate, KeyPair keyPair) {
      this.issuer = issuer;
      this.certificate = certificate;
      this.keyPair = keyPair;
    }

    public X509Certificate certificate() {
      return certificate;
    }

    public PrivateKey privateKey() {
      return keyPair.getPrivate();
    }

    public KeyPair keyPair() {
      return keyPair;
    }

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** The issuing CA, or null for a self-signed leaf. */
    public Ca issuer() {
      return issuer;
    }

    /** The leaf and the intermediates above it, without the root (what a TLS peer sends). */
    public List<X509Certificate> chain() {
      List<X509Certificate> out = new ArrayList<>();
      out.add(certificate);
      for (Ca c = issuer; c != null && c.parent != null; c = c.parent) {
        out.add(c.certificate);
      }
      return out;
    }

    /** Writes {@link #chain()} as PEM. */
    public Path writeChainPem(Path file) {
      return writePem(file, chain().toArray());
    }

    /** Writes only the leaf certificate as PEM. */
    public Path writeCertPem(Path file) {
      return writePem(file, certificate);
    }

    /** Writes the private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
    public Path writeKeyPem(Path file) {
      return writeKey(file, keyPair);
    }

    /** Writes key and chain as a PKCS#12 file with the given password and alias "padlock". */
    public Path writePkcs12(Path file, char[] password) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("padlock", keyPair.getPrivate(), password,
            chain().toArray(X509Certificate[]::new));
        try (var out = Files.newOutputStream(file)) {
          ks.store(out, password);
        }
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CRLs

  /** Builds a CRL signed by a CA. */
  public static final class CrlBuilder {
    private final Ca ca;
    private Instant thisUpdate;
    private Instant nextUpdate;
    private boolean noNextUpdate;
    private Long number;
    private final List<Object[]> entries = new ArrayList<>();
    private int randomEntries;
    private Ca signer;

    private CrlBuilder(Ca ca) {
      this.ca = ca;
      this.signer = ca;
    }

    /** If unset, now (the CA's clock). */
    public CrlBuilder thisUpdate(Instant t) {
      this.thisUpdate = t;
      return this;
    }

    /** If unset, one day after thisUpdate. */
    public CrlBuilder nextUpdate(Instant t) {
      this.nextUpdate = t;
      return this;
    }

    /** Leaves out nextUpdate (allowed by X.509, discouraged by RFC 5280). */
    public CrlBuilder withoutNextUpdate() {
      this.noNextUpdate = true;
      return this;
    }

    /** If unset, increases by one per CRL of this CA. */
    public CrlBuilder number(long n) {
      this.number = n;
      return this;
    }

    /** Signs with another CA's key while naming this CA as issuer: a forged CRL. */
    public CrlBuilder signedBy(Ca other) {
      this.signer = other;
      return this;
    }

    public CrlBuilder revoke(Leaf leaf, Reason reason) {
      return revoke(leaf.serial(), null, reason);
    }

    public CrlBuilder revoke(X509Certificate cert, Reason reason) {
      return revoke(cert.getSerialNumber(), null, reason);
    }

    /** Revokes a serial at a date (if null, an hour before thisUpdate) with a reason (null: none). */
    public CrlBuilder revoke(BigInteger serial, Instant date, Reason reason) {
      entries.add(new Object[] {serial, date, reason});
      return this;
    }

    /** Adds n revoked random 128-bit serials (a big CRL). */
    public CrlBuilder revokeRandom(int n) {
      this.randomEntries += n;
      return this;
    }

    public X509CRL build() {
      Instant tu = thisUpdate != null ? thisUpdate : now(ca.clock);
      Instant nu = nextUpdate != null ? nextUpdate : tu.plus(Duration.ofDays(1));
      try {
        X509CertificateHolder issuerHolder = new X509CertificateHolder(ca.certificate.getEncoded());
        X509v2CRLBuilder b = new X509v2CRLBuilder(issuerHolder.getSubject(), Date.from(tu));
        if (!noNextUpdate) {
          b.setNextUpdate(Date.from(nu));
        }
        Date defaultDate = Date.from(tu.minus(Duration.ofHours(1)));
        for (Object[] e : entries) {
          Date d = e[1] != null ? Date.from((Instant) e[1]) : defaultDate;
          int reason = e[2] != null ? ((Reason) e[2]).code : -1;
          if (reason >= 0) {
            b.addCRLEntry((BigInteger) e[0], d, reason);
          } else {
            b.addCRLEntry((BigInteger) e[0], d, null);
          }
        }
        for (int i = 0; i < randomEntries; i++) {
          b.addCRLEntry(new BigInteger(127, RANDOM).setBit(126), defaultDate,
              org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        }
        long n = number != null ? number : ca.crlNumber.getAndIncrement();
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(n)));
        b.addExtension(Extension.authorityKeyIdentifier, false,
            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate));
        return new JcaX509CRLConverter().getCRL(b.build(signer(signer.keyType, signer.privateKey)));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Builds and writes the CRL as PEM. */
    public Path writePem(Path file) {
      return TestPki.writePem(file, build());
    }

    /** Builds and writes the CRL as DER. */
    public Path writeDer(Path file) {
      try {
        Files.write(file, build().getEncoded());
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Files

  /** Writes certificates, CRLs or keys (anything BC's PEM writer takes) to one PEM file. */
  public static Path writePem(Path file, Object... objects) {
    try {
      Files.writeString(file, pem(objects), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  public static Path writeKey(Path file, PrivateKey key) {
    try {
      return writePem(file, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes a private key as PKCS#8 PEM, with the public key inside for EC keys (RFC 5915): the JDK
   * leaves it out, and GnuTLS 3.7 cannot load such a key.
   */
  public static Path writeKey(Path file, KeyPair keyPair) {
    if (!(keyPair.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec)) {
      return writeKey(file, keyPair.getPrivate());
    }
    try {
      org.bouncycastle.asn1.pkcs.PrivateKeyInfo jdk =
          org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
      org.bouncycastle.asn1.x509.SubjectPublicKeyInfo pub =
          org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
              keyPair.getPublic().getEncoded());
      org.bouncycastle.asn1.sec.ECPrivateKey withPublic = new org.bouncycastle.asn1.sec.ECPrivateKey(
          ec.getParams().getOrder().bitLength(), ec.getS(), pub.getPublicKeyData(), null);
      org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
          jdk.getPrivateKeyAlgorithm(), withPublic);
      Files.writeString(file, pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY",
          info.getEncoded())), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PEM text of certificates, CRLs or keys, concatenated. */
  public static String pem(Object... objects) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (Object o : objects) {
        if (o instanceof org.bouncycastle.openssl.jcajce.JcaPKCS8Generator g) {
          w.writeObject(g);
        } else {
          w.writeObject(o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  /** Parses a certificate with the JDK (an independent parser). */
  public static X509Certificate parseCertificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private interface Extensions {
    void add(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, boolean critical,
        org.bouncycastle.asn1.ASN1Encodable value) throws IOException;
  }

  private interface ExtensionAdder {
    void addTo(Extensions ext) throws IOException;
  }

  private static X509Certificate sign(Ca issuer, X500Name subject, PublicKey publicKey,
      PrivateKey ownKey, KeyType ownKeyType, Instant from, Instant to, BigInteger serial,
      ExtensionAdder extensions) {
    try {
      X500Name issuerName = issuer == null ? subject
          : new X509CertificateHolder(issuer.certificate.getEncoded()).getSubject();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial,
          Date.from(from), Date.from(to), subject, publicKey);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      b.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(publicKey));
      if (issuer != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(issuer.certificate));
      }
      extensions.addTo(b::addExtension);
      ContentSigner signer = issuer == null ? signer(ownKeyType, ownKey)
          : signer(issuer.keyType, issuer.privateKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void aiaAndCdp(Extensions ext, String ocspUrl, String crlUrl) throws IOException {
    if (ocspUrl != null) {
      ext.add(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
          new AccessDescription(X509ObjectIdentifiers.ocspAccessMethod,
              new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
    }
    if (crlUrl != null) {
      ext.add(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
          new DistributionPoint(new DistributionPointName(new GeneralNames(
              new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}));
    }
  }

  private static ContentSigner signer(KeyType type, PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(type.signatureAlgorithm()).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "padlock tests")
        .addRDN(BCStyle.CN, Objects.requireNonNull(commonName, "commonName")).build();
  }

  private static BigInteger nextSerial() {
    // Positive, 64 random bits plus a counter so two serials in one test never collide.
    return new BigInteger(64, RANDOM).shiftLeft(24).add(BigInteger.valueOf(SERIALS.incrementAndGet()))
        .setBit(87);
  }

  private static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
