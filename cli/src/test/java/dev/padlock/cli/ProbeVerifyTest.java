package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * padlock probe and padlock verify on the files of 'padlock testpki', against openssl s_server:
 * exit 0 with OK/VALID, or exit 3 with one stderr line naming the cause and a fix.
 */
class ProbeVerifyTest {
  @TempDir Path dir;
  Cli cli;
  Path pki;
  Process server;
  int port;

  @BeforeEach
  void pki() {
    cli = new Cli(Clock.systemUTC(), dir);
    pki = dir.resolve("pki");
    assertThat(cli.run("testpki", "--out", pki.toString()).exit()).isZero();
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  void startServer(String... extra) throws Exception {
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept",
        "127.0.0.1:" + port, "-cert", f("server.pem"), "-cert_chain", f("ca/issuing.pem"), "-key",
        f("server.key"), "-CAfile", f("ca/root.pem"), "-Verify", "1", "-verify_return_error",
        "-www"));
    cmd.addAll(List.of(extra));
    server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(),
        StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.contains("ACCEPT")) {
        return;
      }
    }
    throw new AssertionError("openssl s_server did not start");
  }

  String f(String name) {
    return pki.resolve(name).toString();
  }

  @Test
  void probeSaysOkWithTheServersIdentity() throws Exception {
    startServer();
    Cli.Result r = cli.run("probe", "localhost:" + port, "--ca", f("ca/root.pem"), "--cert",
        f("client-chain.pem"), "--key", f("client.key"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("OK TLSv1.3").contains("CN=localhost").contains("DNS:localhost");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void probeNamesOneCauseOnOneLineAndExits3() throws Exception {
    startServer("-tls1_2");
    Cli.Result noCert = cli.run("probe", "localhost:" + port, "--ca", f("ca/root.pem"));
    Cli.Result mismatch = cli.run("probe", "localhost:" + port, "--ca", f("ca/root.pem"),
        "--cert", f("client-chain.pem"), "--key", f("client.key"), "--tls1.3");
    Cli.Result staleCrl = cli.run("probe", "localhost:" + port, "--ca", f("ca/root.pem"),
        "--cert", f("client-chain.pem"), "--key", f("client.key"), "--crl", f("crl-stale.pem"));

    assertThat(noCert.exit()).isEqualTo(3);
    assertThat(noCert.errLines()).singleElement().asString()
        .startsWith("padlock: client certificate required but not sent")
        .contains("Fix: ");
    assertThat(mismatch.exit()).isEqualTo(3);
    assertThat(mismatch.errLines()).singleElement().asString()
        .contains("[protocol-version-mismatch]");
    assertThat(staleCrl.exit()).isEqualTo(3);
    assertThat(staleCrl.errLines()).singleElement().asString().contains("[revocation-stale]");
  }

  @Test
  void probeOfNothingAndBadInput() {
    Cli.Result nothing = cli.run("probe", "127.0.0.1:1", "--ca", f("ca/root.pem"));
    assertThat(nothing.exit()).isEqualTo(3);
    assertThat(nothing.errLines()).singleElement().asString().contains("[nothing-listening]");
    Cli.Result bad = cli.run("probe", "localhost", "--ca", f("ca/root.pem"));
    assertThat(bad.exit()).isEqualTo(2);
    Cli.Result halfIdentity = cli.run("probe", "localhost:1", "--cert", f("client.pem"));
    assertThat(halfIdentity.exit()).isEqualTo(2);
  }

  @Test
  void verifyValidAndEachBadCertificateOfTestpki() {
    String[] base = {"verify", "--ca", f("ca/root.pem"), "--untrusted", f("ca/issuing.pem"),
        "--crl", f("crl.pem")};
    assertThat(run(base, "--purpose", "server", "--host", "localhost", f("server.pem")).out())
        .startsWith("VALID CN=localhost");
    assertThat(run(base, "--purpose", "client", f("client.pem")).exit()).isZero();
    expectCause(run(base, f("expired-server.pem")), "peer-certificate-expired");
    expectCause(run(base, f("not-yet-valid-client.pem")), "peer-certificate-not-yet-valid");
    expectCause(run(base, f("revoked-server.pem")), "peer-certificate-revoked");
    expectCause(run(base, "--purpose", "server", f("wrong-eku-server.pem")),
        "peer-certificate-wrong-usage");
    expectCause(run(base, "--purpose", "server", "--host", "localhost",
        f("wrong-host-server.pem")), "peer-certificate-wrong-host");
    expectCause(run(base, f("untrusted-client.pem")), "peer-certificate-untrusted");
    expectCause(cli.run("verify", "--ca", f("ca/root.pem"), "--crl", f("crl-stale.pem"),
        f("server-chain.pem")), "revocation-stale");
    Cli.Result missingCrl = cli.run("verify", "--ca", f("ca/root.pem"), "--crl", f("no-such-crl.pem"),
        f("server-chain.pem"));
    expectCause(missingCrl, "revocation-unavailable");
    assertThat(missingCrl.err()).contains("no-such-crl.pem not loaded: no such file");
    assertThat(run(base, "--at", "yesterday", f("server.pem")).exit()).isEqualTo(2);
  }

  @Test
  void verifyAtAnInstantAfterExpiry() {
    Cli.Result r = cli.run("verify", "--ca", f("ca/root.pem"), "--at", "2099-01-01T00:00:00Z",
        f("server-chain.pem"));
    expectCause(r, "peer-certificate-expired");
  }

  private Cli.Result run(String[] base, String... more) {
    List<String> args = new ArrayList<>(List.of(base));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  private static void expectCause(Cli.Result r, String code) {
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.errLines()).singleElement().asString().contains("[" + code + "]")
        .contains("Fix: ");
  }
}
