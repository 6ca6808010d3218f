package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.server.PadlockServer;
import dev.padlock.server.ServerConfig;
import dev.padlock.tls.MutualTls;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code padlock tunnel server} as its own process in front of a plain HTTP backend, reached by curl and
 * openssl (which no one here wrote); refused peers are logged with their diagnosed cause; renewals of the
 * tunnel's own certificate, under load, fail no connection.
 */
class TunnelTest {
  static final String BODY = "hello from the plain backend";

  @TempDir Path tmp;
  HttpServer backend;

  @BeforeEach
  void backend() throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    backend.createContext("/", ex -> {
      byte[] b = BODY.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    backend.start();
  }

  @AfterEach
  void stop() {
    backend.stop(0);
  }

  static int port(String line) {
    // "tunnel server listening on 127.0.0.1:PORT -> ..." / "status on http://127.0.0.1:PORT/status ..."
    String after = line.replaceFirst(".*?127\\.0\\.0\\.1:", "");
    return Integer.parseInt(after.replaceFirst("\\D.*", ""));
  }

  static Run run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  record Run(int exit, String output) {}

  static void awaitStderr(Subprocess tunnel, String text) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (tunnel.stderr().stream().anyMatch(l -> l.contains(text))) {
        return;
      }
      Thread.sleep(50); // waiting for the log line to arrive, not for time to pass
    }
    throw new AssertionError("the tunnel did not log '" + text + "': " + tunnel.stderr());
  }

  @ParameterizedTest(name = "--tls-provider {0}")
  @ValueSource(strings = {"bc", "jdk"})
  void curlAndOpensslReachThePlainBackendAndRefusedPeersAreLoggedWithTheirCause(String provider) throws Exception {
    Path pki = tmp.resolve("pki");
    assertThat(new Cli(Clock.systemUTC(), tmp).run("testpki", "--out", pki.toString()).exit()).isZero();
    try (Subprocess tunnel = new Subprocess("tunnel", "server", "--listen", "127.0.0.1:0", "--target",
        "127.0.0.1:" + backend.getAddress().getPort(), "--cert", pki + "/server-chain.pem", "--key",
        pki + "/server.key", "--ca", pki + "/ca/root.pem", "--crl", pki + "/crl.pem", "--allow-uri",
        "spiffe://padlock.test/client", "--status", "127.0.0.1:0", "--tls-provider", provider)) {
      String listening = tunnel.awaitLine("listening on");
      assertThat(listening).endsWith(provider.equals("bc") ? "TLS by Bouncy Castle" : "TLS by the JDK's SunJSSE");
      int port = port(listening);
      int status = port(tunnel.awaitLine("status on"));
      String url = "https://localhost:" + port + "/";

      Run curl = run(pki, "curl", "-sS", "--cacert", "ca/root.pem", "--cert", "client-chain.pem", "--key",
          "client.key", url);
      assertThat(curl.output()).isEqualTo(BODY);
      Run openssl = run(pki, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | openssl s_client -quiet -connect "
          + "127.0.0.1:" + port + " -servername localhost -verify_return_error -CAfile ca/root.pem -cert client.pem "
          + "-cert_chain ca/issuing.pem -key client.key");
      assertThat(openssl.output()).contains("HTTP/1.1 200").contains(BODY);

      Run noCert = run(pki, "curl", "-sS", "--cacert", "ca/root.pem", url);
      assertThat(noCert.exit()).isNotZero();
      awaitStderr(tunnel, "client certificate required but not sent");
      Run revoked = run(pki, "curl", "-sS", "--cacert", "ca/root.pem", "--cert", "revoked-client-chain.pem", "--key",
          "revoked-client.key", url);
      assertThat(revoked.exit()).isNotZero();
      awaitStderr(tunnel, "peer certificate revoked");
      assertThat(tunnel.stderr()).anyMatch(l -> l.contains("reason keyCompromise") && l.contains("CN=revoked-client"));
      Run stranger = run(pki, "curl", "-sS", "--cacert", "ca/root.pem", "--cert", "untrusted-client-chain.pem",
          "--key", "untrusted-client.key", url);
      assertThat(stranger.exit()).isNotZero();
      awaitStderr(tunnel, "peer certificate untrusted");
      Run wrongEku = run(pki, "curl", "-sS", "--cacert", "ca/root.pem", "--cert", "wrong-eku-client-chain.pem",
          "--key", "wrong-eku-client.key", url);
      assertThat(wrongEku.exit()).isNotZero();
      awaitStderr(tunnel, "wrong key usage");
      assertThat(BODY).isNotIn(noCert.output(), revoked.output(), stranger.output(), wrongEku.output());

      String counters = run(pki, "curl", "-sS", "http://127.0.0.1:" + status + "/status").output();
      assertThat(counters).contains("\"accepted\": 2").contains("\"peer-certificate-revoked\": 1")
          .contains("\"client-certificate-required\": 1").contains("\"peer-certificate-untrusted\": 1");
      assertThat(tunnel.stop()).isEqualTo(143); // SIGTERM: shut down cleanly by its hook
    }
  }

  @Test
  void tunnelKeepsServingAcrossRenewalsOfShortLivedCertificates() throws Exception {
    System.setProperty("h2.bindAddress", "127.0.0.1");
    String pass = "correct horse battery staple";
    Path ca = tmp.resolve("ca");
    CaInitializer.init(new CaInitializer.Options(ca, "Renew", KeyAlgorithm.EC_P256, Optional.empty(),
        Optional.empty(), pass.toCharArray()), Clock.systemUTC());
    Path conf = ca.resolve("padlock.conf");
    Files.writeString(conf, Files.readString(conf) // short-lived by config: 5 minutes
        .replace("profile.server.validity.default=30d", "profile.server.validity.default=5m")
        .replace("profile.client.validity.default=30d", "profile.client.validity.default=5m"));
    try (PadlockServer server = PadlockServer.start(ServerConfig.builder(ca).passphrase(PassphraseSource.of(
        pass.toCharArray())).bindAddress("127.0.0.1").httpsPort(0).httpPort(0).build())) {
      Cli cli = new Cli(Clock.systemUTC(), tmp).env("PADLOCK_PASSPHRASE", pass);
      String est = "https://localhost:" + server.httpsPort();
      enroll(cli, ca, est, "server", "localhost", "svc");
      enroll(cli, ca, est, "client", "app", "app");
      String crl = "http://127.0.0.1:" + server.httpPort() + "/crl";

      try (Subprocess tunnel = new Subprocess("tunnel", "server", "--listen", "127.0.0.1:0", "--target",
          "127.0.0.1:" + backend.getAddress().getPort(), "--cert", tmp + "/svc.pem", "--key", tmp + "/svc.key",
          "--ca", tmp + "/ca.pem", "--crl", crl, "--allow-cn", "app", "--status", "127.0.0.1:0")) {
        int port = port(tunnel.awaitLine("listening on"));
        int status = port(tunnel.awaitLine("status on"));
        MutualTls client = MutualTls.client(TlsIdentity.fromPem(tmp.resolve("app.pem"), tmp.resolve("app.key")))
            .trust(TrustBundle.fromPem(tmp.resolve("ca.pem"))).serverName("localhost").build();
        Set<String> served = ConcurrentHashMap.newKeySet();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
          while (running.get()) {
            try {
              served.add(request(client, port));
              ok.incrementAndGet();
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        load.start();
        awaitCondition(() -> ok.get() > 0, failures::toString);
        String first = served.iterator().next();
        for (int i = 1; i <= 3; i++) {
          int before = served.size();
          Cli.Result r = cli.run("renew", "--server", est, "--cert", tmp + "/svc.pem", "--key", tmp + "/svc.key",
              "--renew-at", "0.001", "--rekey", "--exec", "curl -sSf -X POST http://127.0.0.1:" + status + "/reload");
          assertThat(r.exit()).as(r.out() + r.err()).isZero();
          assertThat(r.out()).contains("\"reloaded\": true");
          awaitCondition(() -> served.size() > before, () -> "renewal " + r.out() + "\ntunnel: " + tunnel.stderr()
              + "\nfailures: " + failures); // the renewed certificate is served
        }
        int okBefore = ok.get();
        awaitCondition(() -> ok.get() > okBefore + 20, failures::toString);
        running.set(false);
        load.join();
        assertThat(failures).as("connections failed during renewals").isEmpty();
        assertThat(served).hasSize(4).contains(first);
      }
    }
  }

  private static void enroll(Cli cli, Path ca, String est, String profile, String cn, String file) {
    Cli.Result t = cli.run("token", "create", "--dir", ca.toString(), "--profile", profile, "--cn", cn);
    assertThat(t.exit()).as(t.err()).isZero();
    String token = t.out().lines().reduce((a, b) -> b).orElseThrow().trim();
    Path tmp = ca.getParent();
    Cli.Result r = cli.run("enroll", "--server", est, "--token", token, "--cn", cn, "--profile", profile,
        "--ca", ca.resolve("root.pem").toString(), "--key-out", tmp + "/" + file + ".key", "--cert-out",
        tmp + "/" + file + ".pem");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  /** One HTTP request over a fresh TLS connection; returns the serial of the certificate the tunnel served. */
  private static String request(MutualTls client, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!response.contains(BODY)) {
        throw new IOException("unexpected response: " + response);
      }
      String serial = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
      s.getSession().invalidate(); // every request a full handshake: a resumed session shows the old certificate
      return serial;
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition,
      java.util.function.Supplier<String> state) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50); // waiting for an event (a reload, requests), not for time to pass
    }
    throw new AssertionError("condition not met within 30 s: " + state.get());
  }

}
