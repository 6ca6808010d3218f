package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.StoredCrl;
import dev.padlock.ca.testing.MutableClock;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.ca.testing.TestCa;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
  void concurrentRevocationsShareCrlsWhoseNumbersOnlyGoUp() throws Exception {
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
      Set<BigInteger> numbers = new TreeSet<>();
      for (var f : done) {
        CertificateAuthority.Revocation r = f.get();
        StoredCrl crl = r.crl();
        numbers.add(crl.number());
        // The CRL a revocation waits for lists it, whichever other revocations it was built with.
        assertThat(new X509CRLHolder(crl.der()).getRevokedCertificate(r.record().serial().value())).isNotNull();
      }
      pool.shutdown();
      // Revocations that arrive while a CRL is being built share the next one: at most one CRL each.
      assertThat(numbers).hasSizeBetween(1, certs.size()).allMatch(n -> n.compareTo(start) > 0);
      StoredCrl last = ca.store().latestCrl().orElseThrow();
      assertThat(last.number()).isEqualTo(Collections.max(numbers));
      // The newest CRL lists every revocation, whatever order they committed in.
      X509CRLHolder crl = new X509CRLHolder(last.der());
      assertThat(crl.getRevokedCertificates()).hasSize(certs.size());
      assertThat(ca.verifyAudit().intact()).isTrue();
    }
  }

  @Test
  void crlNumbersStrictlyIncreaseAcrossProcessesAndEachCrlListsTheOthersRevocations() throws Exception {
    List<IssuedCertificate> certs = new ArrayList<>();
    // Two CAs on one store stand for two processes (the CLI next to 'padlock serve'): each has its own
    // publisher, its own cached audit head and its own incremental CRL state.
    try (CertificateAuthority one = TestCa.open(dir, clock); CertificateAuthority two = TestCa.open(dir, clock)) {
      for (int i = 0; i < 6; i++) {
        certs.add(one.issue(IssueRequest.builder("client").commonName("p" + i).build()));
      }
      List<BigInteger> numbers = new ArrayList<>();
      for (int i = 0; i < certs.size(); i++) {
        CertificateAuthority ca = i % 2 == 0 ? one : two;
        StoredCrl crl = ca.revoke(certs.get(i).record().serial().hex(), RevocationReason.KEY_COMPROMISE, "test").crl();
        numbers.add(crl.number());
        // Built incrementally by a publisher that did not see the other's revocations happen: still lists them.
        assertThat(new X509CRLHolder(crl.der()).getRevokedCertificates()).hasSize(i + 1);
      }
      assertThat(numbers).isSorted().doesNotHaveDuplicates();
      assertThat(one.verifyAudit().intact()).isTrue();
      assertThat(one.verifyAudit().entries()).isEqualTo(two.verifyAudit().entries());
    }
  }

  @Test
  void currentCrlListsARevocationWhosePublicationNeverHappened() throws Exception {
    IssuedCertificate c;
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      c = ca.issue(IssueRequest.builder("client").commonName("c").build());
      ca.currentCrl();
      // A process that committed a revocation and died before publishing: only the store knows.
      ca.store().revoke(c.record().serial(), RevocationReason.KEY_COMPROMISE, clock.instant(),
          new AuditEvent(clock.instant(), "revoke", c.record().serial().hex(), "test", ""));
    }
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      StoredCrl current = ca.currentCrl(); // fresh by age, but it does not list the revocation: signed anew
      assertThat(new X509CRLHolder(current.der()).getRevokedCertificate(c.certificate().getSerialNumber()))
          .isNotNull();
      assertThat(ca.currentCrl().number()).isEqualTo(current.number());
    }
  }

  @Test
  void aCrlBuiltOnThePreviousOneIsSignedAndKeepsItsEntriesAsTheJdkReadsThem() throws Exception {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      IssuedCertificate a = ca.issue(IssueRequest.builder("client").commonName("a").build());
      IssuedCertificate b = ca.issue(IssueRequest.builder("client").commonName("b").build());
      Instant first = clock.instant();
      ca.revoke(a.record().serial().hex(), RevocationReason.KEY_COMPROMISE, "test").crl();
      clock.advance(Duration.ofMinutes(3));
      // This publisher built the CRL listing a: the next one reuses that entry and adds b's.
      StoredCrl second = ca.revoke(b.record().serial().hex(), RevocationReason.UNSPECIFIED, "test").crl();

      CertificateFactory jdk = CertificateFactory.getInstance("X.509");
      X509CRL crl = (X509CRL) jdk.generateCRL(new ByteArrayInputStream(second.der()));
      crl.verify(jdk.generateCertificate(new ByteArrayInputStream(ca.issuingCertificate().getEncoded()))
          .getPublicKey());
      assertThat(crl.getRevokedCertificates()).hasSize(2);
      X509CRLEntry ea = crl.getRevokedCertificate(a.certificate().getSerialNumber());
      assertThat(ea.getRevocationDate().toInstant()).isEqualTo(first);
      assertThat(ea.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
      X509CRLEntry eb = crl.getRevokedCertificate(b.certificate().getSerialNumber());
      assertThat(eb.getRevocationDate().toInstant()).isEqualTo(first.plus(Duration.ofMinutes(3)));
      assertThat(eb.getRevocationReason()).isNull(); // unspecified: no reason code (RFC 5280 5.3.1)
      assertThat(crl.getThisUpdate().toInstant()).isEqualTo(first.plus(Duration.ofMinutes(3)));
    }
  }

  @Test
  void revokingTwiceOrAnUnknownSerialIsRefusedAndChangesNothing() {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      IssuedCertificate c = ca.issue(IssueRequest.builder("client").commonName("c").build());
      StoredCrl crl = ca.revoke(c.record().serial().hex(), RevocationReason.KEY_COMPROMISE, "test").crl();
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
