package dev.padlock.tls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openssl, an independent parser, judges what the test PKI builds. */
class TestPkiTest {
  @TempDir Path dir;

  @Test
  void chainVerifiesWithOpensslAndRevocationShowsUp() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    TestPki.Ca root = TestPki.root("Root").clock(clock).build();
    TestPki.Ca issuing = root.intermediate("Issuing").build();
    TestPki.Leaf leaf = issuing.leaf("client").email("a@example.org").clientAuth().build();
    root.writePem(dir.resolve("root.pem"));
    issuing.writePem(dir.resolve("issuing.pem"));
    leaf.writeCertPem(dir.resolve("leaf.pem"));
    String at = String.valueOf(clock.instant().getEpochSecond());

    assertThat(Tool.openssl(dir, "verify", "-attime", at, "-purpose", "sslclient", "-CAfile",
        "root.pem", "-untrusted", "issuing.pem", "leaf.pem").assertOk().output()).contains("OK");

    X509CRL crl = issuing.crl().revoke(leaf, TestPki.Reason.KEY_COMPROMISE).build();
    TestPki.writePem(dir.resolve("crl.pem"), crl);
    Tool.Result refused = Tool.openssl(dir, "verify", "-attime", at, "-crl_check", "-CAfile",
        "root.pem", "-untrusted", "issuing.pem", "-CRLfile", "crl.pem", "leaf.pem");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked");
  }
}
