package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.testing.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every file of the test PKI passes or fails in openssl exactly as its README says. */
class TestPkiTest {
  @TempDir static Path tmp;
  static Path dir;

  @BeforeAll
  static void write() {
    dir = tmp.resolve("pki");
    Cli.Result r = new Cli(Clock.systemUTC(), tmp).run("testpki", "--out", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @ParameterizedTest(name = "{0} as {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "server.pem               | sslserver | OK",
      "client.pem               | sslclient | OK",
      "expired-server.pem       | sslserver | certificate has expired",
      "expired-client.pem       | sslclient | certificate has expired",
      "not-yet-valid-server.pem | sslserver | certificate is not yet valid",
      "not-yet-valid-client.pem | sslclient | certificate is not yet valid",
      "revoked-server.pem       | sslserver | certificate revoked",
      "revoked-client.pem       | sslclient | certificate revoked",
      "wrong-eku-server.pem     | sslserver | unsuitable certificate purpose",
      "wrong-eku-client.pem     | sslclient | unsuitable certificate purpose",
      "untrusted-server.pem     | sslserver | unable to get local issuer certificate",
      "untrusted-client.pem     | sslclient | unable to get local issuer certificate",
  })
  void opensslJudgesEachFileAsTheReadmeSays(String file, String purpose, String verdict) {
    List<String> args = new ArrayList<>(List.of("verify", "-purpose", purpose, "-CAfile", "ca/root.pem",
        "-untrusted", "ca/issuing.pem", "-crl_check", "-CRLfile", "crl.pem", file));
    if (file.startsWith("untrusted")) {
      args.set(args.indexOf("ca/issuing.pem"), file.replace(".pem", "-chain.pem"));
    }
    Openssl.Result r = Openssl.run(dir, args.toArray(String[]::new));
    if (verdict.equals("OK")) {
      assertThat(r.exit()).as(r.output()).isZero();
    } else {
      assertThat(r.exit()).isNotZero();
      assertThat(r.output()).contains(verdict);
    }
  }

  @Test
  void hostNameChainAndCrlFailuresAreReal() {
    assertThat(Openssl.run(dir, "verify", "-CAfile", "ca/root.pem", "-untrusted", "ca/issuing.pem",
        "-verify_hostname", "localhost", "wrong-host-server.pem").output()).contains("hostname mismatch");
    assertThat(Openssl.run(dir, "verify", "-CAfile", "ca/root.pem", "-verify_hostname", "localhost",
        "incomplete-chain-server.pem").output()).contains("unable to get local issuer certificate");
    assertThat(Openssl.run(dir, "verify", "-crl_check", "-CAfile", "ca/root.pem", "-untrusted", "ca/issuing.pem",
        "-CRLfile", "crl-stale.pem", "client.pem").output()).contains("CRL has expired");
    Openssl.run(dir, "verify", "-CAfile", "ca/root.pem", "-untrusted", "ca/issuing.pem", "-verify_hostname",
        "localhost", "-verify_ip", "127.0.0.1", "server.pem").assertOk();
  }

  @Test
  void keysMatchTheirCertificatesAndTheReadmeNamesEveryFile() throws Exception {
    for (String name : List.of("server", "client", "revoked-client", "wrong-eku-server")) {
      assertThat(Openssl.run(dir, "x509", "-in", name + ".pem", "-noout", "-pubkey").output())
          .isEqualTo(Openssl.run(dir, "pkey", "-in", name + ".key", "-pubout").output());
    }
    String readme = Files.readString(dir.resolve("README.md"));
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pem") && !p.toString().endsWith("-chain.pem")).toList()) {
        assertThat(readme).contains("`" + dir.relativize(f) + "`");
      }
    }
  }

  @Test
  void refusesToWriteIntoAFullDirectory() {
    Cli.Result again = new Cli(Clock.systemUTC(), tmp).run("testpki", "--out", dir.toString());
    assertThat(again.exit()).isEqualTo(3);
    assertThat(again.err()).startsWith("padlock: " + dir.toAbsolutePath() + " is not empty");
  }
}
