package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.StoredCrl;
import dev.padlock.ca.testing.MutableClock;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.ca.testing.TestCa;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationTest {
  @TempDir Path tmp;
  Path dir;
  MutableClock clock;

  @BeforeEach
  void init() {
    dir = tmp.resolve("ca");
    // An hour ago, so that moving it forward a little stays in the past of the openssl checks.
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1)));
    TestCa.init(dir, clock);
  }

  @Test
  void revokedCertificateIsRefusedByOpensslWithTheNewCrl() throws Exception {
    IssuedCertificate alice;
    IssuedCertificate bob;
    StoredCrl before;
    CertificateAuthority.Revocation revocation;
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      alice = ca.issue(IssueRequest.builder("client").commonName("alice").build());
      bob = ca.issue(IssueRequest.builder("client").commonName("bob").build());
      before = ca.store().latestCrl().orElseThrow();
      clock.advance(Duration.ofMinutes(5));
      revocation = ca.revoke(alice.record().serial().hex(), RevocationReason.KEY_COMPROMISE, "test");
    }
    Path crl = tmp.resolve("crl.pem");
    Files.writeString(crl, Pem.crl(revocation.crl().der()));
    Files.writeString(tmp.resolve("alice.pem"), Pem.certificate(alice.certificate()));
    Files.writeString(tmp.resolve("bob.pem"), Pem.certificate(bob.certificate()));
    String root = dir.resolve("root.pem").toString();
    String issuing = dir.resolve("issuing.pem").toString();

    Openssl.Result crlCheck = Openssl.run(tmp, "crl", "-in", crl.toString(), "-noout", "-text", "-CAfile", issuing,
        "-verify");
    assertThat(crlCheck.exit()).as(crlCheck.output()).isZero();
    assertThat(crlCheck.output()).contains("verify OK").contains("Key Compromise");
    Openssl.Result refused = Openssl.run(tmp, "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing,
        "-CRLfile", crl.toString(), "alice.pem");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("error 23").contains("certificate revoked");
    assertThat(Openssl.run(tmp, "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile",
        crl.toString(), "bob.pem").exit()).isZero();
    assertThat(revocation.crl().number()).isGreaterThan(before.number());
  }

  @Test
  void crlCarriesNumberDatesReasonAndAuthorityKey() throws Exception {
    StoredCrl stored;
    IssuedCertificate c;
    Instant revokedAt;
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      c = ca.issue(IssueRequest.builder("client").commonName("c").build());
      clock.advance(Duration.ofHours(1));
      revokedAt = clock.instant();
      stored = ca.revoke(c.record().serial().decimal(), RevocationReason.SUPERSEDED, "test").crl();
    }
    X509CRLHolder crl = new X509CRLHolder(stored.der());
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(revokedAt);
    assertThat(crl.getNextUpdate().toInstant()).isEqualTo(revokedAt.plus(Duration.ofHours(24)));
    assertThat(CRLNumber.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber())
        .isEqualTo(stored.number());
    assertThat(crl.getExtension(Extension.authorityKeyIdentifier)).isNotNull();
    X509CRLEntryHolder entry = crl.getRevokedCertificate(c.certificate().getSerialNumber());
    assertThat(entry.getRevocationDate().toInstant()).isEqualTo(revokedAt);
    assertThat(CRLReason.getInstance(entry.getExtensions().getExtensionParsedValue(Extension.reasonCode)).getValue()
        .intValue()).isEqualTo(CRLReason.superseded);
  }

  @Test
  void crlNumbersStrictlyIncreaseEvenUnderConcurrentRevocations() throws Exception {
    List<IssuedCertificate> certs = new ArrayList<>();
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      for (int i = 0; i < 8; i++) {
        certs.add(ca.issue(IssueRequest.builder("client").commonName("c" + i).build()));
      }
      BigInteger start = ca.store().latestCrl().orElseThrow().number();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<CertificateAuthority.Revocation>> done = new ArrayList<>();
      for (IssuedCertificate c : certs) {
        done.add(pool.submit(() -> ca.revoke(c.record().serial().hex(), RevocationReason.UNSPECIFIED, "test")));
      }
      List<BigInteger> numbers = new ArrayList<>();
      for (var f : done) {
        numbers.add(f.get().crl().number());
      }
      pool.shutdown();
      assertThat(numbers).doesNotHaveDuplicates().allMatch(n -> n.compareTo(start) > 0);
      StoredCrl last = ca.store().latestCrl().orElseThrow();
      assertThat(last.number()).isEqualTo(numbers.stream().max(BigInteger::compareTo).orElseThrow());
      // The newest CRL lists every revocation, whatever order they committed in.
      X509CRLHolder crl = new X509CRLHolder(last.der());
      assertThat(crl.getRevokedCertificates()).hasSize(certs.size());
      assertThat(ca.verifyAudit().intact()).isTrue();
    }
  }

  @Test
  void revokingTwiceOrAnUnknownSerialIsRefusedAndChangesNothing() {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      IssuedCertificate c = ca.issue(IssueRequest.builder("client").commonName("c").build());
      ca.revoke(c.record().serial().hex(), RevocationReason.KEY_COMPROMISE, "test");
      StoredCrl crl = ca.store().latestCrl().orElseThrow();
      long auditEntries = ca.verifyAudit().entries();

      assertThatThrownBy(() -> ca.revoke(c.record().serial().hex(), RevocationReason.SUPERSEDED, "test"))
          .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_REVOKED))
          .hasMessageStartingWith("certificate " + c.record().serial() + " was already revoked at");
      assertThatThrownBy(() -> ca.revoke("0x0123456789abcdef", RevocationReason.SUPERSEDED, "test"))
          .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SERIAL));

      assertThat(ca.store().latestCrl().orElseThrow().number()).isEqualTo(crl.number());
      assertThat(ca.verifyAudit().entries()).isEqualTo(auditEntries);
      assertThat(ca.store().find(c.record().serial()).orElseThrow().revocation().orElseThrow().reason())
          .isEqualTo(RevocationReason.KEY_COMPROMISE);
    }
  }

  @Test
  void currentCrlIsResignedOncePastHalfItsLife() {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      StoredCrl first = ca.currentCrl();
      clock.advance(Duration.ofHours(11));
      assertThat(ca.currentCrl().number()).isEqualTo(first.number());
      clock.advance(Duration.ofHours(2));
      StoredCrl renewed = ca.currentCrl();
      assertThat(renewed.number()).isEqualTo(first.number().add(BigInteger.ONE));
      assertThat(renewed.thisUpdate()).isEqualTo(clock.instant());
    }
  }
}
