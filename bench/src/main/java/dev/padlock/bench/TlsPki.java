package dev.padlock.bench;

import dev.padlock.ca.sign.BouncyCastle;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PKI of the mTLS and tunnel figures, built with Bouncy Castle and written as PEM files that padlock,
 * bare JSSE, openssl and stunnel all read: a root, an issuing CA under it, a server leaf (serverAuth,
 * {@code localhost} and {@code 127.0.0.1}) and a client leaf (clientAuth), all EC P-256, and a CRL of the
 * issuing CA with {@code crlEntries} revoked serials (neither leaf among them). Peers send leaf + issuing
 * CA; they trust the root.
 */
final class TlsPki {
  final Path dir;
  final Path root;
  /** The root and the issuing CA, for peers (openssl s_time, s_server) that send or expect the leaf alone. */
  final Path rootAndIssuing;
  final Path issuing;
  final Path serverChain;
  final Path serverCert;
  final Path serverKey;
  final Path clientChain;
  final Path clientCert;
  final Path clientKey;
  final Path crl;
  final int crlEntries;

  private TlsPki(Path dir, int crlEntries) {
    this.dir = dir;
    this.root = dir.resolve("root.pem");
    this.rootAndIssuing = dir.resolve("root+issuing.pem");
    this.issuing = dir.resolve("issuing.pem");
    this.serverChain = dir.resolve("server-chain.pem");
    this.serverCert = dir.resolve("server.pem");
    this.serverKey = dir.resolve("server.key");
    this.clientChain = dir.resolve("client-chain.pem");
    this.clientCert = dir.resolve("client.pem");
    this.clientKey = dir.resolve("client.key");
    this.crl = dir.resolve("issuing.crl.pem");
    this.crlEntries = crlEntries;
  }

  static TlsPki create(Path dir, int crlEntries) throws Exception {
    Files.createDirectories(dir);
    TlsPki p = new TlsPki(dir, crlEntries);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Date from = Date.from(now.minus(1, ChronoUnit.HOURS));
    Date caTo = Date.from(now.plus(3650, ChronoUnit.DAYS));
    Date leafTo = Date.from(now.plus(30, ChronoUnit.DAYS));
    SecureRandom random = new SecureRandom();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

    KeyPair rootKeys = LimitBench.p256(BouncyCastle.provider());
    X500Name rootName = new X500Name("O=padlock bench,CN=Bench Root");
    X509CertificateHolder root = new JcaX509v3CertificateBuilder(rootName, serial(random), from, caTo, rootName,
        rootKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKeys.getPublic()))
        .build(signer(rootKeys.getPrivate()));

    KeyPair caKeys = LimitBench.p256(BouncyCastle.provider());
    X500Name caName = new X500Name("O=padlock bench,CN=Bench Issuing CA");
    X509CertificateHolder ca = new JcaX509v3CertificateBuilder(rootName, serial(random), from, caTo, caName,
        caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()))
        .addExtension(Extension.authorityKeyIdentifier, false,
            ext.createAuthorityKeyIdentifier(rootKeys.getPublic()))
        .build(signer(rootKeys.getPrivate()));

    KeyPair serverKeys = LimitBench.p256(BouncyCastle.provider());
    X509CertificateHolder server = leaf(caName, caKeys, serverKeys, "localhost", KeyPurposeId.id_kp_serverAuth,
        from, leafTo, random, ext);
    KeyPair clientKeys = LimitBench.p256(BouncyCastle.provider());
    X509CertificateHolder client = leaf(caName, caKeys, clientKeys, "bench-client", KeyPurposeId.id_kp_clientAuth,
        from, leafTo, random, ext);

    X509v2CRLBuilder crl = new X509v2CRLBuilder(caName, Date.from(now.minus(1, ChronoUnit.MINUTES)));
    crl.setNextUpdate(Date.from(now.plus(7, ChronoUnit.DAYS)));
    crl.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
    crl.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caKeys.getPublic()));
    Date revokedAt = Date.from(now.minus(1, ChronoUnit.DAYS));
    for (int i = 0; i < crlEntries; i++) {
      crl.addCRLEntry(serial(random), revokedAt, CRLReason.keyCompromise);
    }
    byte[] crlDer = crl.build(signer(caKeys.getPrivate())).getEncoded();

    pem(p.root, root);
    pem(p.issuing, ca);
    pem(p.rootAndIssuing, root, ca);
    pem(p.serverCert, server);
    pem(p.serverChain, server, ca);
    pem(p.clientCert, client);
    pem(p.clientChain, client, ca);
    key(p.serverKey, serverKeys.getPrivate());
    key(p.clientKey, clientKeys.getPrivate());
    pem(p.crl, CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(crlDer)));
    return p;
  }

  private dev.padlock.tls.RevocationSource revocation;

  /** padlock's revocation source over the CRL file, parsed once and shared by every padlock context. */
  synchronized dev.padlock.tls.RevocationSource revocation() {
    if (revocation == null) {
      revocation = dev.padlock.tls.RevocationSource.builder().crlFile(crl).build();
    }
    return revocation;
  }

  /** The CRL as the JDK parses it, for the JDK's own revocation checker. */
  X509CRL jdkCrl() throws Exception {
    try (var in = Files.newInputStream(crl)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    }
  }

  X509Certificate jdkRoot() throws Exception {
    try (var in = Files.newInputStream(root)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static X509CertificateHolder leaf(X500Name caName, KeyPair caKeys, KeyPair keys, String cn,
      KeyPurposeId eku, Date from, Date to, SecureRandom random, JcaX509ExtensionUtils ext) throws Exception {
    GeneralNames san = new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, cn),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
    return new JcaX509v3CertificateBuilder(caName, serial(random), from, to, new X500Name("CN=" + cn),
        keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku))
        .addExtension(Extension.subjectAlternativeName, false, san)
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
        .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caKeys.getPublic()))
        .build(signer(caKeys.getPrivate()));
  }

  /** Positive, 128 random bits, as padlock's CA makes them. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }

  private static ContentSigner signer(PrivateKey key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider()).build(key);
  }

  private static void pem(Path file, Object... objects) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    }
    Files.writeString(file, s.toString());
  }

  /** PKCS#8, which padlock, openssl, stunnel and GnuTLS all read. */
  private static void key(Path file, PrivateKey key) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    }
    Files.writeString(file, s.toString());
  }

  List<Path> files() {
    return List.of(root, issuing, serverChain, serverKey, clientChain, clientKey, crl);
  }
}
