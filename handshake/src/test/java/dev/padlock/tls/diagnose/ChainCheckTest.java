package dev.padlock.tls.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline check (the trust manager's code) against {@code openssl verify} as the independent
 * judge: both must agree on valid or not, and padlock must name the cause.
 */
class ChainCheckTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2032-03-04T05:06:07Z"));
  static final Instant NOW = CLOCK.instant();
  static final TestPki.Ca ROOT = TestPki.root("Check Root").clock(CLOCK).build();
  static final TestPki.Ca ISSUING = ROOT.intermediate("Check Issuing").build();
  static final TestPki.Ca OTHER = TestPki.root("Other Root").clock(CLOCK).build();
  static final TestPki.Leaf SERVER = ISSUING.leaf("api").dns("api.example").serverAuth().build();
  static final TestPki.Leaf CLIENT = ISSUING.leaf("svc").clientAuth().build();

  @TempDir Path dir;

  record Row(String name, TestPki.Leaf leaf, PeerRole purpose, String host, Instant at,
      boolean withCrl, FailureCause expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    TestPki.Leaf revoked = ISSUING.leaf("revoked").serverAuth().build();
    return Stream.of(
        new Row("valid: server for its host", SERVER, PeerRole.SERVER, "api.example", NOW, true,
            null),
        new Row("valid: client", CLIENT, PeerRole.CLIENT, null, NOW, false, null),
        new Row("refused: expired at the given instant", SERVER, PeerRole.SERVER, null,
            NOW.plus(Duration.ofDays(31)), false, FailureCause.PEER_CERTIFICATE_EXPIRED),
        new Row("refused: not yet valid at the given instant", SERVER, null, null,
            NOW.minus(Duration.ofDays(1)), false, FailureCause.PEER_CERTIFICATE_NOT_YET_VALID),
        new Row("refused: revoked", revoked, PeerRole.SERVER, null, NOW, true,
            FailureCause.PEER_CERTIFICATE_REVOKED),
        new Row("refused: client certificate used as server", CLIENT, PeerRole.SERVER, null, NOW,
            false, FailureCause.PEER_CERTIFICATE_WRONG_USAGE),
        new Row("refused: wrong host", SERVER, PeerRole.SERVER, "www.example", NOW, false,
            FailureCause.PEER_CERTIFICATE_WRONG_HOST),
        new Row("refused: untrusted issuer", OTHER.leaf("x").serverAuth().build(), PeerRole.SERVER,
            null, NOW, false, FailureCause.PEER_CERTIFICATE_UNTRUSTED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void agreesWithOpensslAndNamesTheCause(Row row) throws Exception {
    Path crl = ISSUING.crl().thisUpdate(NOW.minus(Duration.ofHours(1)))
        .revoke(row.leaf().certificate().getSubjectX500Principal().getName().contains("revoked")
            ? row.leaf().serial() : java.math.BigInteger.TEN, null, TestPki.Reason.KEY_COMPROMISE)
        .writePem(dir.resolve("crl.pem"));
    RevocationSource revocation = row.withCrl()
        ? RevocationSource.builder().crlFile(crl).build() : RevocationSource.none();
    ChainCheck check = ChainCheck.builder(TrustBundle.builder().addAnchors(ROOT.certificate())
        .addIntermediates(ISSUING.certificate()).build()).revocation(revocation)
        .purpose(row.purpose()).host(row.host()).build();

    PeerCertificateException refused = catchThrowableOfType(PeerCertificateException.class,
        () -> check.check(List.of(row.leaf().certificate()), row.at()));

    if (row.expected() == null) {
      assertThat(refused).isNull();
    } else {
      assertThat(refused).as("expected " + row.expected()).isNotNull();
      assertThat(refused.failureCause()).as(refused.getMessage()).isEqualTo(row.expected());
    }
    assertThat(opensslSaysValid(row, crl)).as("openssl verify").isEqualTo(row.expected() == null);
  }

  private boolean opensslSaysValid(Row row, Path crl) {
    List<String> cmd = new ArrayList<>(List.of("openssl", "verify", "-attime",
        String.valueOf(row.at().getEpochSecond()), "-CAfile",
        ROOT.writePem(dir.resolve("root.pem")).toString(), "-untrusted",
        ISSUING.writePem(dir.resolve("issuing.pem")).toString()));
    if (row.purpose() != null) {
      cmd.addAll(List.of("-purpose", row.purpose() == PeerRole.SERVER ? "sslserver" : "sslclient"));
    }
    if (row.host() != null) {
      cmd.addAll(List.of("-verify_hostname", row.host()));
    }
    if (row.withCrl()) {
      cmd.addAll(List.of("-crl_check", "-CRLfile", crl.toString()));
    }
    X509Certificate leaf = row.leaf().certificate();
    cmd.add(TestPki.writePem(dir.resolve("leaf.pem"), leaf).toString());
    return Tool.run(dir, "", cmd.toArray(String[]::new)).exit() == 0;
  }
}
