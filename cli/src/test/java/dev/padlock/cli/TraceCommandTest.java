package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code padlock trace} against {@code openssl s_server -Verify 1 -verify_return_error}. */
class TraceCommandTest {
  @TempDir static Path tmp;
  static Path pki;
  static Process server;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    pki = tmp.resolve("pki");
    Cli.Result r = new Cli(Clock.systemUTC(), tmp).run("testpki", "--out", pki.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    port = freePort();
    server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", "server.pem", "-cert_chain", "ca/issuing.pem", "-key", "server.key",
        "-CAfile", "ca/root.pem", "-Verify", "1", "-verify_return_error", "-www")
        .directory(pki.toFile()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null && !line.startsWith("ACCEPT"); ) {
      seen.add(line);
    }
    assertThat(server.isAlive()).as("openssl s_server started: %s", seen).isTrue();
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe from filling up
        }
      } catch (IOException ignored) {
        // the server ended
      }
    });
    drain.setDaemon(true);
    drain.start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Cli.Result trace(String... args) {
    List<String> all = new ArrayList<>(List.of("trace"));
    all.addAll(List.of(args));
    return new Cli(Clock.systemUTC(), tmp).run(all.toArray(String[]::new));
  }

  private static String file(String name) {
    return pki.resolve(name).toString();
  }

  @Test
  void aCompletedHandshakePrintsTheLadderAndExitsZero() {
    Cli.Result r = trace("127.0.0.1:" + port, "--ca", file("ca/root.pem"), "--cert",
        file("client-chain.pem"), "--key", file("client.key"), "--servername", "localhost",
        "--tls1.3");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("TLS handshake with 127.0.0.1:" + port + " (server name localhost)")
        .contains("|--- ClientHello ").contains(" CertificateRequest ---|")
        .contains("our side of the handshake complete: 1 round trip")
        .contains("Result: handshake completed")
        .contains("Server chain: trusted: chains to ");
  }

  @Test
  void jsonIsOneDocumentWithTheSameSteps() {
    Cli.Result r = trace("127.0.0.1:" + port, "--ca", file("ca/root.pem"), "--cert",
        file("client-chain.pem"), "--key", file("client.key"), "--servername", "localhost",
        "--tls1.2", "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("{\n").endsWith("}\n").contains("\"round_trips\": 2")
        .contains("\"message\": \"ServerHelloDone\"").doesNotContain("|--- ");
  }

  @Test
  void aRefusedHandshakePrintsTheTraceAndOneLineOnStderr() {
    Cli.Result r = trace("127.0.0.1:" + port, "--ca", file("ca/root.pem"), "--servername",
        "localhost", "--tls1.3");

    assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(r.out()).contains("|--- ClientHello ");
    assertThat(r.errLines()).containsExactly("padlock: handshake failed: server refused the "
        + "handshake after our Finished: alert certificate_required");
  }

  @Test
  void nothingListeningExitsThree() {
    int closed = freePort();
    Cli.Result r = trace("127.0.0.1:" + closed);

    assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("padlock: cannot connect to 127.0.0.1:" + closed + ": ");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no port                | localhost                                  | expected HOST:PORT",
      "port zero              | localhost:0                                | port from 1 to 65535",
      "IPv6 without brackets  | ::1:443                                    | in brackets",
      "cert without key       | localhost:443 --cert x.pem                 | --cert and --key go together",
      "unreadable CA file     | localhost:443 --ca /nonexistent/root.pem   | cannot read --ca /nonexistent/root.pem",
      "two versions           | localhost:443 --tls1.2 --tls1.3            | mutually exclusive",
  })
  void badArgumentsExitTwoWithOneLine(String name, String args, String message) {
    Cli.Result r = trace(args.trim().split(" +"));

    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("padlock: ").contains(message);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
