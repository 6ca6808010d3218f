package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.ca.testing.TestCa;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issuance judged by openssl and the JDK's CertPathValidator, which no one here wrote. */
class IssuanceTest {
  @TempDir Path tmp;
  Path dir;
  Clock clock;

  @BeforeEach
  void init() {
    dir = tmp.resolve("ca");
    clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    TestCa.init(dir, clock, dev.padlock.ca.sign.KeyAlgorithm.EC_P256, Optional.of("http://ca.test:8080"));
  }

  private IssuedCertificate issue(IssueRequest.Builder b) {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      return ca.issue(b.build());
    }
  }

  private Path write(String name, X509CertificateHolder cert) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, Pem.certificate(cert));
    return p;
  }

  @Test
  void serverCertificateIsAcceptedByOpensslForSslServer() throws Exception {
    IssuedCertificate issued = issue(IssueRequest.builder("server").commonName("api.test")
        .san(SubjectAltName.parse("dns:api.test")).san(SubjectAltName.parse("ip:10.0.0.5")));
    Path leaf = write("leaf.pem", issued.certificate());

    Openssl.Result r = Openssl.run(tmp, "verify", "-purpose", "sslserver", "-CAfile", dir.resolve("root.pem").toString(),
        "-untrusted", dir.resolve("issuing.pem").toString(), leaf.toString());

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains(leaf + ": OK");
    assertThat(jdkValidates(issued)).isTrue();
  }

  @Test
  void clientCertificateIsAcceptedForSslClientAndRefusedForSslServer() throws Exception {
    IssuedCertificate issued = issue(IssueRequest.builder("client").commonName("alice"));
    Path leaf = write("alice.pem", issued.certificate());
    String root = dir.resolve("root.pem").toString();
    String issuing = dir.resolve("issuing.pem").toString();

    assertThat(Openssl.run(tmp, "verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing,
        leaf.toString()).exit()).isZero();
    // The EKU is clientAuth only: openssl must refuse it as a server certificate.
    Openssl.Result asServer = Openssl.run(tmp, "verify", "-purpose", "sslserver", "-CAfile", root, "-untrusted",
        issuing, leaf.toString());
    assertThat(asServer.exit()).isNotZero();
    assertThat(asServer.output()).contains("unsuitable certificate purpose");
    assertThat(jdkValidates(issued)).isTrue();
  }

  @Test
  void certificateFromAnOpensslCsrCarriesTheCsrKeyAndName() throws Exception {
    Openssl.run(tmp, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout",
        "k.pem", "-subj", "/CN=bob", "-addext", "subjectAltName=email:bob@example.test", "-out", "bob.csr").assertOk();
    var csr = Pem.readCsr(Files.readAllBytes(tmp.resolve("bob.csr")), "bob.csr");

    IssuedCertificate issued = issue(IssueRequest.builder("client").csr(csr));

    assertThat(issued.certificate().getSubjectPublicKeyInfo()).isEqualTo(csr.getSubjectPublicKeyInfo());
    assertThat(issued.record().commonName()).isEqualTo("bob");
    assertThat(issued.record().sans()).containsExactly("email:bob@example.test");
    assertThat(issued.record().keyType()).isEqualTo("ec-p384");
    assertThat(issued.generatedKey()).isEmpty();
    // openssl agrees the certificate's key is the one it generated
    Path leaf = write("bob.pem", issued.certificate());
    String fromCert = Openssl.run(tmp, "x509", "-in", leaf.toString(), "-noout", "-pubkey").assertOk().output();
    String fromKey = Openssl.run(tmp, "pkey", "-in", "k.pem", "-pubout").assertOk().output();
    assertThat(fromCert).isEqualTo(fromKey);
  }

  @Test
  void leafCarriesTheExtensionsOfItsProfile() throws Exception {
    IssuedCertificate issued = issue(IssueRequest.builder("server").commonName("web.test").validity(Duration.ofDays(7)));
    X509CertificateHolder c = issued.certificate();
    X509CertificateHolder issuing = issued.chain().get(0);

    assertThat(c.toASN1Structure().getVersionNumber()).isEqualTo(3);
    assertThat(c.getSerialNumber().signum()).isPositive();
    assertThat(c.getSerialNumber().toByteArray().length).isBetween(9, 20); // >= 64 random bits, <= 20 octets
    assertThat(c.getExtension(Extension.basicConstraints).isCritical()).isTrue();
    assertThat(BasicConstraints.fromExtensions(c.getExtensions()).isCA()).isFalse();
    assertThat(c.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(KeyUsage.fromExtensions(c.getExtensions()).hasUsages(KeyUsage.digitalSignature)).isTrue();
    assertThat(KeyUsage.fromExtensions(c.getExtensions()).hasUsages(KeyUsage.keyCertSign)).isFalse();
    assertThat(ExtendedKeyUsage.fromExtensions(c.getExtensions()).getUsages())
        .containsExactly(KeyPurposeId.id_kp_serverAuth);
    assertThat(issued.record().sans()).containsExactly("dns:web.test"); // the CN, added as the server's DNS name
    assertThat(SubjectKeyIdentifier.fromExtensions(c.getExtensions())).isNotNull();
    assertThat(AuthorityKeyIdentifier.fromExtensions(c.getExtensions()).getKeyIdentifier())
        .isEqualTo(SubjectKeyIdentifier.fromExtensions(issuing.getExtensions()).getKeyIdentifier());
    CertificateInfo info = CertificateInfo.of(c);
    assertThat(info.crlUrls()).containsExactly("http://ca.test:8080/crl");
    assertThat(info.ocspUrls()).containsExactly("http://ca.test:8080/ocsp");
    assertThat(c.getNotBefore().toInstant()).isEqualTo(clock.instant().minusSeconds(60));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
  }

  @Test
  void serialsAreRandomAndUnique() {
    Set<java.math.BigInteger> serials = new java.util.HashSet<>();
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      for (int i = 0; i < 20; i++) {
        serials.add(ca.issue(IssueRequest.builder("client").commonName("c" + i).build()).certificate().getSerialNumber());
      }
    }
    assertThat(serials).hasSize(20);
    assertThat(serials).allMatch(s -> s.bitLength() > 100); // 128 random bits: a shorter one is 2^-28 likely
  }

  @Test
  void leafNeverOutlivesTheIssuingCa() {
    X509CertificateHolder issuing = CertificateAuthority.readCertificate(dir.resolve("issuing.pem"));
    Instant nearEnd = issuing.getNotAfter().toInstant().minus(Duration.ofDays(10));
    Clock late = Clock.fixed(nearEnd, ZoneOffset.UTC);
    try (CertificateAuthority ca = TestCa.open(dir, late)) {
      IssuedCertificate c = ca.issue(IssueRequest.builder("client").commonName("late").validity(Duration.ofDays(30))
          .build());
      assertThat(c.certificate().getNotAfter()).isEqualTo(issuing.getNotAfter());
    }
  }

  @Test
  void issuedCertificateIsInTheStoreWithItsMetadata() {
    IssuedCertificate issued = issue(IssueRequest.builder("device").commonName("dev-42")
        .san(SubjectAltName.parse("uri:spiffe://test/device/42")).requester("test"));
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      var stored = ca.store().find(issued.record().serial()).orElseThrow();
      assertThat(stored.der()).isEqualTo(issued.record().der());
      assertThat(stored.profile()).isEqualTo("device");
      assertThat(stored.sans()).containsExactly("uri:spiffe://test/device/42");
      assertThat(stored.fingerprintSha256()).isEqualTo(Fingerprints.sha256(stored.der()));
      assertThat(stored.requester()).isEqualTo("test");
      assertThat(ca.find(issued.record().serial().decimal()).serial()).isEqualTo(issued.record().serial());
    }
  }

  private boolean jdkValidates(IssuedCertificate issued) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate leaf = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(issued.record().der()));
    X509Certificate issuing = (X509Certificate) cf.generateCertificate(
        new ByteArrayInputStream(issued.chain().get(0).getEncoded()));
    X509Certificate root = (X509Certificate) cf.generateCertificate(
        new ByteArrayInputStream(issued.chain().get(1).getEncoded()));
    CertPath path = cf.generateCertPath(List.of(leaf, issuing));
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(clock.instant()));
    CertPathValidator.getInstance("PKIX").validate(path, params); // throws if invalid
    return true;
  }
}
