package dev.padlock.tls.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JDK's own CRL parser is the independent judge of what {@link CrlParser} reads. */
class CrlParserTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2031-05-06T07:08:09Z"));
  private final TestPki.Ca ca = TestPki.root("CRL Root").clock(clock).build();

  @Test
  void readsWhatTheJdkReads() throws Exception {
    TestPki.Leaf a = ca.leaf("a").build();
    TestPki.Leaf b = ca.leaf("b").build();
    X509CRL crl = ca.crl().revoke(a, TestPki.Reason.KEY_COMPROMISE)
        .revoke(b.serial(), Instant.parse("2031-01-02T03:04:05Z"), null).revokeRandom(100).build();

    ParsedCrl parsed = CrlParser.parse(crl.getEncoded());

    assertThat(parsed.issuer()).isEqualTo(crl.getIssuerX500Principal());
    assertThat(parsed.thisUpdate()).isEqualTo(crl.getThisUpdate().toInstant());
    assertThat(parsed.nextUpdate()).isEqualTo(crl.getNextUpdate().toInstant());
    assertThat(parsed.revoked().size()).isEqualTo(crl.getRevokedCertificates().size());
    for (X509CRLEntry e : crl.getRevokedCertificates()) {
      RevokedSerials.Entry found = parsed.revoked().find(e.getSerialNumber()).orElseThrow();
      assertThat(found.revocationDate()).isEqualTo(e.getRevocationDate().toInstant());
      assertThat(found.reasonCode())
          .isEqualTo(e.getRevocationReason() == null ? -1 : e.getRevocationReason().ordinal());
    }
    assertThat(parsed.revoked().find(ca.leaf("c").build().serial())).isEmpty();
    assertThat(parsed.revoked().find(BigInteger.ONE)).isEmpty();
    assertThat(CrlSignature.verifies(parsed, ca.certificate().getPublicKey())).isTrue();
  }

  @Test
  void aCrlSignedByAnotherKeyDoesNotVerify() throws Exception {
    TestPki.Ca other = TestPki.root("CRL Root").clock(clock).build();
    X509CRL forged = ca.crl().signedBy(other).build();

    ParsedCrl parsed = CrlParser.parse(forged.getEncoded());

    assertThat(CrlSignature.verifies(parsed, ca.certificate().getPublicKey())).isFalse();
    assertThat(CrlSignature.verifies(parsed, other.certificate().getPublicKey())).isTrue();
  }

  @Test
  void garbageIsRefusedWithAnIoException() {
    assertThatThrownBy(() -> CrlParser.parse(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> CrlParser.parse("hello".getBytes()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aBigCrlParsesIntoATableThatFindsEveryEntryAndNothingElse() throws Exception {
    // How fast it parses and looks up is the bench's business (bench: mtls), not a unit test's.
    TestPki.Leaf revoked = ca.leaf("revoked").build();
    TestPki.Leaf valid = ca.leaf("valid").build();
    X509CRL crl = ca.crl().revokeRandom(100_000).revoke(revoked, TestPki.Reason.SUPERSEDED).build();

    ParsedCrl parsed = CrlParser.parse(crl.getEncoded());

    assertThat(parsed.revoked().size()).isEqualTo(100_001);
    assertThat(parsed.revoked().find(revoked.serial())).get()
        .extracting(RevokedSerials.Entry::reasonCode).isEqualTo(4);
    assertThat(parsed.revoked().find(valid.serial())).isEmpty();
    for (X509CRLEntry e : crl.getRevokedCertificates().stream().limit(1_000).toList()) {
      assertThat(parsed.revoked().find(e.getSerialNumber())).as(e.getSerialNumber().toString(16))
          .isPresent();
    }
  }
}
