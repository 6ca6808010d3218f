package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.ca.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InitTest {
  @TempDir Path tmp;
  Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "EC_P384", "RSA_3072", "ED25519"})
  void chainOfEveryCaKeyTypeIsAcceptedByOpenssl(KeyAlgorithm type) throws Exception {
    Path dir = tmp.resolve("ca");
    TestCa.init(dir, clock, type, Optional.empty());
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      Files.writeString(tmp.resolve("leaf.pem"), dev.padlock.ca.pem.Pem.certificate(
          ca.issue(IssueRequest.builder("server").commonName("svc.test").build()).certificate()));
    }
    Openssl.Result r = Openssl.run(tmp, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile",
        dir.resolve("root.pem").toString(), "-untrusted", dir.resolve("issuing.pem").toString(), "leaf.pem");
    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  void rootAndIssuingCaHaveTheirPathLengthsAndLifetimes() {
    Path dir = tmp.resolve("ca");
    CaInitializer.Result r = TestCa.init(dir, clock);
    X509CertificateHolder root = r.root();
    X509CertificateHolder issuing = r.issuing();

    assertThat(root.getSubject()).isEqualTo(root.getIssuer());
    assertThat(BasicConstraints.fromExtensions(root.getExtensions()).getPathLenConstraint()).isEqualTo(1);
    assertThat(BasicConstraints.fromExtensions(issuing.getExtensions()).getPathLenConstraint()).isZero();
    assertThat(root.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()).toDays())
        .isEqualTo(3650);
    assertThat(Duration.between(issuing.getNotBefore().toInstant(), issuing.getNotAfter().toInstant()).toDays())
        .isEqualTo(1826);
    assertThat(issuing.getIssuer()).isEqualTo(root.getSubject());
    assertThat(r.firstCrl().number()).isEqualTo(1);
  }

  @Test
  void caKeysAreEncryptedWithPbes2Aes256AndOpensslOpensThemOnlyWithThePassphrase() throws Exception {
    Path dir = tmp.resolve("ca");
    TestCa.init(dir, clock);
    for (String key : new String[] {"root.key", "issuing.key"}) {
      Path file = dir.resolve(key);
      assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      String asn1 = Openssl.run(tmp, "asn1parse", "-in", file.toString()).assertOk().output();
      assertThat(asn1).contains("PBES2").contains("PBKDF2").contains("hmacWithSHA256").contains("aes-256-cbc");
      assertThat(Openssl.run(tmp, "pkey", "-in", file.toString(), "-passin", "pass:" + TestCa.PASSPHRASE, "-noout")
          .exit()).isZero();
      assertThat(Openssl.run(tmp, "pkey", "-in", file.toString(), "-passin", "pass:wrong", "-noout").exit())
          .isNotZero();
    }
  }

  @Test
  void offlineRootKeyIsWrittenOnlyToTheOfflineDirectory() throws Exception {
    Path dir = tmp.resolve("ca");
    Path usb = tmp.resolve("usb");
    CaInitializer.Result r = CaInitializer.init(new CaInitializer.Options(dir, "Test", KeyAlgorithm.EC_P256,
        Optional.empty(), Optional.of(usb), TestCa.PASSPHRASE.toCharArray()), clock);
    assertThat(r.rootKey()).isEqualTo(usb.toAbsolutePath().resolve("root.key"));
    assertThat(usb.resolve("root.key")).exists();
    assertThat(dir.resolve("root.key")).doesNotExist();
    // the online CA issues without the root key
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      assertThat(ca.issue(IssueRequest.builder("client").commonName("x").build())).isNotNull();
    }
  }

  @Test
  void initOverAnExistingCaIsRefusedAndChangesNothing() throws Exception {
    Path dir = tmp.resolve("ca");
    TestCa.init(dir, clock);
    Map<String, Long> before = snapshot(dir);

    assertThatThrownBy(() -> TestCa.init(dir, clock))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CA_EXISTS))
        .hasMessageStartingWith("a CA already exists at " + dir.toAbsolutePath());
    assertThat(snapshot(dir)).isEqualTo(before);
  }

  @Test
  void wrongPassphraseIsRefusedBeforeAnythingIsStored() {
    Path dir = tmp.resolve("ca");
    TestCa.init(dir, clock);
    try (CertificateAuthority ca = CertificateAuthority.open(dir, clock, PassphraseSource.of("nope".toCharArray()))) {
      assertThatThrownBy(() -> ca.issue(IssueRequest.builder("client").commonName("x").build()))
          .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSPHRASE))
          .hasMessageEndingWith("wrong passphrase");
      assertThat(ca.verifyAudit().entries()).isEqualTo(2); // only init and the admin certificate it issued
      assertThat(ca.list(dev.padlock.ca.store.CertificateQuery.all(clock.instant(), 10)))
          .extracting(r -> r.commonName()).containsExactly("padlock-admin");
    }
  }

  private static Map<String, Long> snapshot(Path dir) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p) + ":" + Files.size(p), java.util.Arrays.hashCode(Files.readAllBytes(p)) & 0xffffffffL);
      }
    }
    return m;
  }
}
