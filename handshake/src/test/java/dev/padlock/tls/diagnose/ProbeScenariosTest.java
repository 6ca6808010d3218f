package dev.padlock.tls.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.padlock.tls.MutualTls;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each cause happens for real, against a server no one here wrote ({@code openssl s_server -Verify 1
 * -verify_return_error}, an {@code openssl ocsp} responder, the JDK's HTTP server), and the prober
 * names exactly that cause.
 */
class ProbeScenariosTest {
  static final MutableClock CLOCK = MutableClock.atNow();
  static final Instant NOW = CLOCK.instant();
  static final TestPki.Ca ROOT = TestPki.root("Probe Root").clock(CLOCK).build();
  static final TestPki.Ca ISSUING = ROOT.intermediate("Probe Issuing").build();
  static final TestPki.Ca OTHER_ROOT = TestPki.root("Stranger Root").clock(CLOCK).build();
  static final TestPki.Leaf SERVER = ISSUING.leaf("server").dns("localhost").ip("127.0.0.1")
      .serverAuth().build();
  static final TestPki.Leaf CLIENT = ISSUING.leaf("client").clientAuth().build();

  @TempDir Path dir;

  /** What one scenario changes from the good default. */
  static final class Case {
    TestPki.Leaf server = SERVER;
    TestPki.Leaf client = CLIENT;
    final List<String> serverArgs = new ArrayList<>();
    MutualTls.Version version;
    String serverName = "localhost";
    RevocationSource revocation = RevocationSource.none();
    Target target = Target.OPENSSL;
    Path dir;
    Tool.Server ocspResponder;
    HttpServer httpServer;
  }

  enum Target { OPENSSL, NOTHING, PLAIN_HTTP }

  record Scenario(String name, FailureCause expected, BiConsumer<Case, Path> setup) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Scenario ok(String name, BiConsumer<Case, Path> setup) {
    return new Scenario(name, null, setup);
  }

  static Scenario refused(String name, FailureCause cause, BiConsumer<Case, Path> setup) {
    return new Scenario(name, cause, setup);
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        ok("ok: TLS 1.3 with client certificate", (c, d) -> c.version = MutualTls.Version.TLS_1_3),
        ok("ok: TLS 1.2 with client certificate", (c, d) -> c.version = MutualTls.Version.TLS_1_2),
        ok("ok: CRL says good", (c, d) -> c.revocation = RevocationSource.builder()
            .crlFile(ISSUING.crl().revoke(CLIENT, TestPki.Reason.SUPERSEDED)
                .writePem(d.resolve("crl.pem"))).build()),
        refused("refused: server certificate expired", FailureCause.PEER_CERTIFICATE_EXPIRED,
            (c, d) -> c.server = ISSUING.leaf("expired").dns("localhost").serverAuth()
                .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))).build()),
        refused("refused: server certificate not yet valid",
            FailureCause.PEER_CERTIFICATE_NOT_YET_VALID,
            (c, d) -> c.server = ISSUING.leaf("future").dns("localhost").serverAuth()
                .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30))).build()),
        refused("refused: server certificate revoked by CRL", FailureCause.PEER_CERTIFICATE_REVOKED,
            (c, d) -> c.revocation = RevocationSource.builder().crlFile(ISSUING.crl()
                .revoke(SERVER, TestPki.Reason.KEY_COMPROMISE).writePem(d.resolve("crl.pem")))
                .build()),
        refused("refused: server certificate revoked by OCSP",
            FailureCause.PEER_CERTIFICATE_REVOKED, ProbeScenariosTest::revokedByOcsp),
        refused("refused: server certificate with clientAuth EKU only",
            FailureCause.PEER_CERTIFICATE_WRONG_USAGE,
            (c, d) -> c.server = ISSUING.leaf("wrong-eku").dns("localhost").clientAuth().build()),
        refused("refused: server certificate for another host",
            FailureCause.PEER_CERTIFICATE_WRONG_HOST,
            (c, d) -> c.server = ISSUING.leaf("elsewhere").dns("elsewhere.example").serverAuth()
                .build()),
        refused("refused: server certificate from an untrusted CA",
            FailureCause.PEER_CERTIFICATE_UNTRUSTED,
            (c, d) -> c.server = OTHER_ROOT.leaf("stranger").dns("localhost").serverAuth().build()),
        refused("refused: CRL past its nextUpdate", FailureCause.REVOCATION_STALE,
            (c, d) -> c.revocation = RevocationSource.builder().crlFile(ISSUING.crl()
                .thisUpdate(NOW.minus(Duration.ofDays(3))).nextUpdate(NOW.minus(Duration.ofDays(1)))
                .writePem(d.resolve("stale.pem"))).build()),
        refused("refused: no CRL from the server's issuer", FailureCause.REVOCATION_UNAVAILABLE,
            (c, d) -> c.revocation = RevocationSource.builder()
                .crlFile(OTHER_ROOT.crl().writePem(d.resolve("other.pem"))).build()),
        refused("refused: OCSP responder unreachable", FailureCause.REVOCATION_UNAVAILABLE,
            (c, d) -> c.revocation = RevocationSource.builder()
                .ocspResponder(URI.create("http://127.0.0.1:" + Tool.freePort() + "/"))
                .httpTimeout(Duration.ofSeconds(2)).build()),
        refused("refused: no client certificate (TLS 1.3)", FailureCause.CLIENT_CERTIFICATE_REQUIRED,
            (c, d) -> {
              c.client = null;
              c.version = MutualTls.Version.TLS_1_3;
            }),
        refused("refused: no client certificate (TLS 1.2)", FailureCause.CLIENT_CERTIFICATE_REQUIRED,
            (c, d) -> {
              c.client = null;
              c.version = MutualTls.Version.TLS_1_2;
            }),
        refused("refused: our certificate untrusted (TLS 1.3, alert after the handshake)",
            FailureCause.OUR_CERTIFICATE_UNTRUSTED, (c, d) -> {
              c.client = OTHER_ROOT.leaf("stranger-client").clientAuth().build();
              c.version = MutualTls.Version.TLS_1_3;
            }),
        refused("refused: our certificate untrusted (TLS 1.2)", FailureCause.OUR_CERTIFICATE_UNTRUSTED,
            (c, d) -> {
              c.client = OTHER_ROOT.leaf("stranger-client").clientAuth().build();
              c.version = MutualTls.Version.TLS_1_2;
            }),
        refused("refused: our certificate expired", FailureCause.OUR_CERTIFICATE_EXPIRED,
            (c, d) -> c.client = ISSUING.leaf("old-client").clientAuth()
                .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))).build()),
        refused("refused: our certificate revoked", FailureCause.OUR_CERTIFICATE_REVOKED,
            (c, d) -> {
              Path crls = TestPki.writePem(d.resolve("server-crls.pem"),
                  ISSUING.crl().revoke(CLIENT, TestPki.Reason.KEY_COMPROMISE).build(),
                  ROOT.crl().build());
              c.serverArgs.addAll(List.of("-CRL", crls.toString(), "-crl_check_all"));
            }),
        refused("refused: protocol version mismatch", FailureCause.PROTOCOL_VERSION_MISMATCH,
            (c, d) -> {
              c.serverArgs.add("-tls1_2");
              c.version = MutualTls.Version.TLS_1_3;
            }),
        refused("refused: no common cipher suite", FailureCause.NO_COMMON_CIPHER_SUITE,
            (c, d) -> c.serverArgs.addAll(List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"))),
        refused("refused: nothing listening", FailureCause.NOTHING_LISTENING,
            (c, d) -> c.target = Target.NOTHING),
        refused("refused: not TLS (an HTTP server)", FailureCause.NOT_TLS,
            (c, d) -> c.target = Target.PLAIN_HTTP));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void probeNamesTheCause(Scenario scenario) throws Exception {
    Case c = new Case();
    c.dir = dir;
    scenario.setup().accept(c, dir);
    try {
      ProbeResult r = probe(c);
      if (scenario.expected() == null) {
        assertThat(r.failure()).as(scenario.name()).isEmpty();
        assertThat(r.peerChain().get(0)).isEqualTo(c.server.certificate());
      } else {
        assertThat(r.cause()).as(r.failure().map(Diagnosis::line).orElse("OK"))
            .contains(scenario.expected());
      }
    } finally {
      if (c.ocspResponder != null) {
        c.ocspResponder.close();
      }
      if (c.httpServer != null) {
        c.httpServer.stop(0);
      }
    }
  }

  private ProbeResult probe(Case c) throws Exception {
    int port;
    Tool.Server server = null;
    switch (c.target) {
      case NOTHING -> port = Tool.freePort();
      case PLAIN_HTTP -> {
        c.httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            0);
        c.httpServer.createContext("/", ex -> {
          ex.sendResponseHeaders(400, -1);
          ex.close();
        });
        c.httpServer.start();
        port = c.httpServer.getAddress().getPort();
      }
      default -> {
        port = Tool.freePort();
        server = startOpenssl(c, port);
      }
    }
    try {
      Prober.Builder b = Prober.builder("localhost", port).trust(TrustBundle.of(ROOT.certificate()))
          .serverName(c.serverName).revocation(c.revocation).clock(CLOCK);
      if (c.client != null) {
        b.identity(TlsIdentity.of(c.client.privateKey(), c.client.chain()));
      }
      if (c.version != null) {
        b.version(c.version);
      }
      return b.build().probe();
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private Tool.Server startOpenssl(Case c, int port) {
    Path srv = c.server.writeCertPem(dir.resolve("srv.pem"));
    Path key = c.server.writeKeyPem(dir.resolve("srv.key"));
    Path ca = ROOT.writePem(dir.resolve("root.pem"));
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept",
        "127.0.0.1:" + port, "-cert", srv.toString(), "-key", key.toString(), "-CAfile",
        ca.toString(), "-Verify", "1", "-verify_return_error", "-www"));
    List<java.security.cert.X509Certificate> chain = c.server.chain();
    if (chain.size() > 1) {
      Path intermediates = TestPki.writePem(dir.resolve("srv-chain.pem"),
          chain.subList(1, chain.size()).toArray());
      cmd.addAll(List.of("-cert_chain", intermediates.toString()));
    }
    cmd.addAll(c.serverArgs);
    return Tool.Server.start(dir, l -> l.contains("ACCEPT"), cmd.toArray(String[]::new));
  }

  /** The server's certificate names an OCSP responder (openssl ocsp) that says it is revoked. */
  private static void revokedByOcsp(Case c, Path d) {
    int ocspPort = Tool.freePort();
    c.server = ISSUING.leaf("ocsp-revoked").dns("localhost").serverAuth()
        .ocspUrl("http://127.0.0.1:" + ocspPort + "/").build();
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    String line = "R\t" + f.format(c.server.certificate().getNotAfter().toInstant()) + "\t"
        + f.format(NOW.minus(Duration.ofHours(2))) + ",keyCompromise\t"
        + c.server.serial().toString(16).toUpperCase() + "\tunknown\t/CN=ocsp-revoked\n";
    try {
      Files.writeString(d.resolve("index.txt"), line, StandardCharsets.US_ASCII);
      ISSUING.writePem(d.resolve("ocsp-ca.pem"));
      ISSUING.writeKeyPem(d.resolve("ocsp-ca.key"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    c.ocspResponder = Tool.Server.start(d, l -> l.contains("waiting for OCSP"), "openssl", "ocsp",
        "-index", "index.txt", "-port", String.valueOf(ocspPort), "-rsigner", "ocsp-ca.pem",
        "-rkey", "ocsp-ca.key", "-CA", "ocsp-ca.pem", "-nmin", "5");
    c.revocation = RevocationSource.builder().ocsp().build();
  }

}
