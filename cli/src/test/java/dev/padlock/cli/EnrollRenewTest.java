package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.testing.MutableClock;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.server.PadlockServer;
import dev.padlock.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device side of issue 5 against a real padlock server on loopback: enroll with a token and the root's
 * fingerprint, renew over mutual TLS when due, ride out a CA outage, and say so when the certificate
 * expires while the CA is away. Time moves by the test's clock; waits only move the clock.
 */
class EnrollRenewTest {
  static {
    System.setProperty("h2.bindAddress", "127.0.0.1");
  }

  static final String PASS = "correct horse battery staple";

  @TempDir Path tmp;
  /** The device's clock: the test moves it. The CA keeps real time, as JSSE checks certificates against it. */
  MutableClock clock;
  MutableClock serverClock;
  Path dir;
  PadlockServer server;
  int port;
  String fingerprint;
  final List<Duration> waits = new ArrayList<>();
  /** Called after each wait with the number of waits so far; true stops the agent (as an interrupt would). */
  Predicate<Integer> onWait = n -> false;

  @BeforeEach
  void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    serverClock = new MutableClock(clock.instant());
    dir = tmp.resolve("ca");
    CaInitializer.Result init = CaInitializer.init(new CaInitializer.Options(dir, "Enroll", KeyAlgorithm.EC_P256,
        Optional.empty(), Optional.empty(), PASS.toCharArray()), serverClock);
    fingerprint = init.rootFingerprint().replaceAll("(..)(?!$)", "$1:"); // with colons, as people copy it
    startServer(0);
  }

  void startServer(int httpsPort) {
    server = PadlockServer.start(ServerConfig.builder(dir).passphrase(PassphraseSource.of(PASS.toCharArray()))
        .clock(serverClock).bindAddress("127.0.0.1").httpsPort(httpsPort).httpPort(0).build());
    port = server.httpsPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  Cli cli() {
    return new Cli(clock, tmp, new CliContext(clock, java.util.Map.of("PADLOCK_PASSPHRASE", PASS, "USER", "t"), tmp,
        null, d -> {
          waits.add(d);
          clock.advance(d);
          if (onWait.test(waits.size())) {
            throw new InterruptedException("stopped by the test");
          }
        }));
  }

  String token(String cn) {
    Cli.Result r = cli().run("token", "create", "--dir", dir.toString(), "--profile", "device", "--cn", cn);
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    return lines.get(lines.size() - 1).trim();
  }

  Cli.Result enroll(String token, String cn) {
    return cli().run("enroll", "--server", "https://localhost:" + port, "--token", token, "--cn", cn,
        "--ca-fingerprint", fingerprint, "--key-out", tmp + "/" + cn + ".key", "--cert-out", tmp + "/" + cn + ".pem");
  }

  Cli.Result renew(String... more) {
    List<String> args = new ArrayList<>(List.of("renew", "--server", "https://localhost:" + port, "--cert",
        tmp + "/dev.pem", "--key", tmp + "/dev.key"));
    args.addAll(List.of(more));
    return cli().run(args.toArray(String[]::new));
  }

  String serial() {
    return Openssl.run(tmp, "x509", "-in", "dev.pem", "-noout", "-serial").assertOk().output();
  }

  @Test
  void enrollsWithAFingerprintAndTheCertificateVerifies() throws Exception {
    Cli.Result r = enroll(token("dev"), "dev");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("dev.key"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(tmp.resolve("ca.pem"))).isEqualTo(Files.readString(dir.resolve("root.pem")));
    Openssl.run(tmp, "verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "-untrusted", "dev.pem", "dev.pem").assertOk();
    assertThat(Openssl.run(tmp, "x509", "-in", "dev.pem", "-noout", "-pubkey").output())
        .isEqualTo(Openssl.run(tmp, "pkey", "-in", "dev.key", "-pubout").output());
  }

  @Test
  void aWrongFingerprintOrASpentTokenIsRefusedAndWritesNothing() {
    String token = token("dev");
    fingerprint = "00".repeat(32);
    Cli.Result wrong = enroll(token, "dev");
    assertThat(wrong.exit()).isEqualTo(3);
    assertThat(wrong.err()).contains("has the fingerprint 0000");
    assertThat(tmp.resolve("dev.key")).doesNotExist();

    fingerprint = server.authority().rootCertificate() == null ? "" : fingerprintOfRoot();
    assertThat(enroll(token, "dev").exit()).isZero();
    Cli.Result again = enroll(token, "dev2");
    assertThat(again.exit()).isEqualTo(3);
    assertThat(again.err()).contains("HTTP 401");
    assertThat(tmp.resolve("dev2.key")).doesNotExist();
  }

  private String fingerprintOfRoot() {
    try {
      return dev.padlock.ca.Fingerprints.sha256(server.authority().rootCertificate().getEncoded());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void renewsOnlyWhenDueOverMutualTlsAndRunsTheHook() throws Exception {
    assertThat(enroll(token("dev"), "dev").exit()).isZero();
    String first = serial();
    String key = Files.readString(tmp.resolve("dev.key"));

    Cli.Result early = renew();
    assertThat(early.exit()).isZero();
    assertThat(early.out()).startsWith("Not due:");
    assertThat(serial()).isEqualTo(first);

    clock.advance(Duration.ofDays(21)); // device certificates live 30 days: due after 20
    Cli.Result r = renew("--exec", "echo renewed > " + tmp + "/hook.txt; test -s \"$PADLOCK_CERT\"");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("renewed " + tmp + "/dev.pem").contains("--exec exited 0");
    assertThat(serial()).isNotEqualTo(first);
    assertThat(Files.readString(tmp.resolve("dev.key"))).isEqualTo(key); // kept without --rekey
    assertThat(tmp.resolve("hook.txt")).hasContent("renewed");
    Openssl.run(tmp, "verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "-untrusted", "dev.pem", "dev.pem")
        .assertOk();
    assertThat(server.authority().find(first.trim().replace("serial=", "")).commonName()).isEqualTo("dev");

    // The CA issued the renewed certificate at its (real) time, 21 days behind this device's clock: it is
    // due again already, so the next run renews at once.
    assertThat(renew("--rekey").exit()).isZero();
    assertThat(Files.readString(tmp.resolve("dev.key"))).isNotEqualTo(key);
    assertThat(Openssl.run(tmp, "x509", "-in", "dev.pem", "-noout", "-pubkey").output())
        .isEqualTo(Openssl.run(tmp, "pkey", "-in", "dev.key", "-pubout").output());
  }

  @Test
  void caOutageKeepsTheCertificateAndRetriesWithBackoffThenExpiryIsItsOwnExitCode() throws Exception {
    assertThat(enroll(token("dev"), "dev").exit()).isZero();
    String before = Files.readString(tmp.resolve("dev.pem"));
    server.close();
    server = null;
    clock.advance(Duration.ofDays(21));

    Cli.Result r = renew("--attempts", "4");
    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.err()).contains("could not renew after 4 attempts").contains("connection refused");
    assertThat(r.out()).contains("keeping the current certificate, retrying in");
    assertThat(Files.readString(tmp.resolve("dev.pem"))).isEqualTo(before);
    assertThat(waits).hasSize(3);
    // exponential, with jitter of at most ±50% around 5 s, 10 s, 20 s
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(2500), Duration.ofMillis(7500));
    assertThat(waits.get(2)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(30));

    clock.advance(Duration.ofDays(10)); // past notAfter, CA still down
    Cli.Result expired = renew();
    assertThat(expired.exit()).isEqualTo(5);
    assertThat(expired.err()).contains("expired at").contains("enroll again with a new token");
  }

  @Test
  void daemonRidesOutAnOutageAndRenewsWhenTheCaIsBack() throws Exception {
    assertThat(enroll(token("dev"), "dev").exit()).isZero();
    String first = serial();
    int httpsPort = port;
    server.close();
    server = null;
    clock.advance(Duration.ofDays(21));
    onWait = n -> {
      if (n == 3) {
        startServer(httpsPort); // the CA comes back while the agent waits
      }
      return !serial().equals(first); // renewed: the agent now waits for the next due date; stop it there
    };
    Cli.Result r = renew("--daemon");
    Thread.interrupted(); // the agent kept the interrupt flag set, as it should; clear it for the next test

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("attempt 1 failed").contains("attempt 3 failed").contains("renewed " + tmp);
    assertThat(serial()).isNotEqualTo(first);
    assertThat(waits).hasSize(4); // three failed attempts' backoff, then one wait after the renewal
    // This device's clock is 21 days ahead of the CA's, so the new certificate is due at once: the agent
    // says so and waits an hour instead of renewing in a loop.
    assertThat(r.out()).contains("this machine's clock runs ahead of the CA's");
    assertThat(waits.get(3)).isEqualTo(Duration.ofHours(1));
  }
}
