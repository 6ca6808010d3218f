package dev.padlock.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.tls.MutualTls.TlsProvider;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.RefusedHandshake;
import dev.padlock.tls.testing.EchoServer;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A padlock server (MutualTls on an SSLServerSocket) against clients no one here wrote: {@code
 * openssl s_client}, {@code gnutls-cli} and {@code curl}. Good clients are served over TLS 1.3 and
 * 1.2; for bad ones, the server's listener names the cause. Every scenario runs on both TLS providers.
 */
class ServerInteropTest {
  static final MutableClock CLOCK = MutableClock.atNow();
  static final Instant NOW = CLOCK.instant();
  static final TestPki.Ca ROOT = TestPki.root("Interop Root").clock(CLOCK).build();
  static final TestPki.Ca ISSUING = ROOT.intermediate("Interop Issuing").build();
  static final TestPki.Ca OTHER_ROOT = TestPki.root("Stranger Root").clock(CLOCK).build();
  static final TestPki.Leaf SERVER = ISSUING.leaf("server").dns("localhost").ip("127.0.0.1")
      .serverAuth().build();
  static final TestPki.Leaf CLIENT = ISSUING.leaf("client").uri("spiffe://interop/client")
      .clientAuth().build();

  @TempDir Path dir;

  /** A client command line, given the files dir, the port and the client's cert/key (or null). */
  record Client(String name, BiFunction<Path, Integer, List<String>> command) {}

  static List<String> sClient(Path d, int port, TestPki.Leaf leaf, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + port, "-servername", "localhost", "-CAfile",
        ROOT.writePem(d.resolve("root.pem")).toString(), "-verify_return_error", "-ign_eof"));
    if (leaf != null) {
      cmd.addAll(List.of("-cert", leaf.writeCertPem(d.resolve("c.pem")).toString(), "-key",
          leaf.writeKeyPem(d.resolve("c.key")).toString()));
      if (leaf.chain().size() > 1) {
        // s_client sends only the first certificate of -cert; intermediates go in -cert_chain.
        cmd.addAll(List.of("-cert_chain", TestPki.writePem(d.resolve("c-chain.pem"),
            leaf.chain().subList(1, leaf.chain().size()).toArray()).toString()));
      }
    }
    cmd.addAll(List.of(extra));
    return cmd;
  }

  static List<String> gnutls(Path d, int port, TestPki.Leaf leaf, String priority) {
    List<String> cmd = new ArrayList<>(List.of("gnutls-cli", "--x509cafile",
        ROOT.writePem(d.resolve("root.pem")).toString(), "-p", String.valueOf(port),
        "--priority", priority));
    if (leaf != null) {
      cmd.addAll(List.of("--x509certfile", leaf.writeChainPem(d.resolve("c.pem")).toString(),
          "--x509keyfile", leaf.writeKeyPem(d.resolve("c.key")).toString()));
    }
    cmd.add("localhost");
    return cmd;
  }

  record Good(String name, BiFunction<Path, Integer, List<String>> command, String version) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Good> goodClients() {
    return Stream.of(
        new Good("served: openssl s_client, TLS 1.3",
            (d, p) -> sClient(d, p, CLIENT, "-tls1_3"), "TLSv1.3"),
        new Good("served: openssl s_client, TLS 1.2",
            (d, p) -> sClient(d, p, CLIENT, "-tls1_2"), "TLSv1.2"),
        new Good("served: gnutls-cli, TLS 1.3",
            (d, p) -> gnutls(d, p, CLIENT, "NORMAL:-VERS-ALL:+VERS-TLS1.3"), "TLS1.3"),
        new Good("served: gnutls-cli, TLS 1.2",
            (d, p) -> gnutls(d, p, CLIENT, "NORMAL:-VERS-ALL:+VERS-TLS1.2"), "TLS1.2"));
  }

  static Stream<Arguments> goodClientsOnEachProvider() {
    return goodClients().flatMap(g -> Stream.of(TlsProvider.values()).map(p -> Arguments.of(p, g)));
  }

  @ParameterizedTest(name = "{1} [{0}]")
  @MethodSource("goodClientsOnEachProvider")
  void goodClientIsServed(TlsProvider provider, Good good) throws Exception {
    LinkedBlockingQueue<RefusedHandshake> refused = new LinkedBlockingQueue<>();
    try (EchoServer server = new EchoServer(server(provider, refused, RevocationSource.none()))) {
      Tool.Result r = Tool.run(dir, "ping\n", good.command().apply(dir, server.port())
          .toArray(String[]::new));
      assertThat(r.output()).contains("hello CN=client").contains("ping").contains(good.version());
      assertThat(server.served()).isEqualTo(1);
    }
    assertThat(refused).isEmpty();
  }

  record Bad(String name, FailureCause expected, Setup setup) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** What a bad scenario changes: the server's revocation source, and the client's command. */
  interface Setup {
    List<String> command(Path dir, int port, Server server);
  }

  /** Settings of the padlock server under test that a scenario may change. */
  static final class Server {
    RevocationSource revocation = RevocationSource.none();
  }

  static Stream<Bad> badClients() {
    return Stream.of(
        new Bad("refused: openssl s_client without certificate (TLS 1.3)",
            FailureCause.CLIENT_CERTIFICATE_REQUIRED, (d, p, s) -> sClient(d, p, null, "-tls1_3")),
        new Bad("refused: openssl s_client without certificate (TLS 1.2)",
            FailureCause.CLIENT_CERTIFICATE_REQUIRED, (d, p, s) -> sClient(d, p, null, "-tls1_2")),
        new Bad("refused: gnutls-cli without certificate",
            FailureCause.CLIENT_CERTIFICATE_REQUIRED,
            (d, p, s) -> gnutls(d, p, null, "NORMAL")),
        new Bad("refused: client certificate from an untrusted CA",
            FailureCause.PEER_CERTIFICATE_UNTRUSTED, (d, p, s) -> sClient(d, p,
                OTHER_ROOT.leaf("client").uri("spiffe://interop/client").clientAuth().build())),
        new Bad("refused: client certificate expired", FailureCause.PEER_CERTIFICATE_EXPIRED,
            (d, p, s) -> sClient(d, p, ISSUING.leaf("client").uri("spiffe://interop/client")
                .clientAuth().validity(NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(2)))
                .build())),
        new Bad("refused: client certificate revoked (CRL)", FailureCause.PEER_CERTIFICATE_REVOKED,
            (d, p, s) -> {
              s.revocation = RevocationSource.builder().crlFile(ISSUING.crl()
                  .revoke(CLIENT, TestPki.Reason.KEY_COMPROMISE).writePem(d.resolve("crl.pem")))
                  .build();
              return sClient(d, p, CLIENT);
            }),
        new Bad("refused: client certificate with serverAuth EKU only",
            FailureCause.PEER_CERTIFICATE_WRONG_USAGE, (d, p, s) -> sClient(d, p,
                ISSUING.leaf("client").uri("spiffe://interop/client")
                    .eku(KeyPurposeId.id_kp_serverAuth).build())),
        new Bad("refused: client not in the peer policy", FailureCause.PEER_NOT_ALLOWED,
            (d, p, s) -> sClient(d, p, ISSUING.leaf("intruder").uri("spiffe://interop/intruder")
                .clientAuth().build())),
        new Bad("refused: the server's CRL is stale", FailureCause.REVOCATION_STALE,
            (d, p, s) -> {
              s.revocation = RevocationSource.builder().crlFile(ISSUING.crl()
                  .thisUpdate(NOW.minus(Duration.ofDays(2))).nextUpdate(NOW.minus(Duration.ofHours(1)))
                  .writePem(d.resolve("stale.pem"))).build();
              return sClient(d, p, CLIENT);
            }),
        new Bad("refused: client speaks only TLS 1.1", FailureCause.PROTOCOL_VERSION_MISMATCH,
            (d, p, s) -> sClient(d, p, CLIENT, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")),
        new Bad("refused: client offers only a CBC suite", FailureCause.NO_COMMON_CIPHER_SUITE,
            (d, p, s) -> sClient(d, p, CLIENT, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA")),
        new Bad("refused: plain HTTP (curl http://)", FailureCause.NOT_TLS,
            (d, p, s) -> List.of("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + p + "/")));
  }

  static Stream<Arguments> badClientsOnEachProvider() {
    return badClients().flatMap(b -> Stream.of(TlsProvider.values()).map(p -> Arguments.of(p, b)));
  }

  @ParameterizedTest(name = "{1} [{0}]")
  @MethodSource("badClientsOnEachProvider")
  void listenerNamesTheCause(TlsProvider provider, Bad bad) throws Exception {
    LinkedBlockingQueue<RefusedHandshake> refused = new LinkedBlockingQueue<>();
    Server settings = new Server();
    int port = Tool.freePort();
    // The scenario may change the server's settings while it writes the client's files.
    List<String> command = bad.setup().command(dir, port, settings);
    MutualTls tls = server(provider, refused, settings.revocation);
    try (EchoServer server = new EchoServer(tls, port)) {
      Tool.Result r = Tool.run(dir, "ping\n", command.toArray(String[]::new));
      RefusedHandshake event = refused.poll(10, TimeUnit.SECONDS);
      assertThat(event).as("no refusal reported; client said:\n" + r.output()).isNotNull();
      assertThat(event.cause()).as(event.toString()).isEqualTo(bad.expected());
      assertThat(r.output()).doesNotContain("hello CN=");
      assertThat(server.served()).isZero();
    }
  }

  static MutualTls server(TlsProvider provider, LinkedBlockingQueue<RefusedHandshake> refused,
      RevocationSource revocation) {
    return MutualTls.server(TlsIdentity.of(SERVER.privateKey(), SERVER.chain())).tlsProvider(provider)
        .trust(TrustBundle.of(ROOT.certificate()))
        .peerPolicy(PeerPolicy.builder().allowUri("spiffe://interop/client").build())
        .revocation(revocation).clock(CLOCK).listener(refused::add).build();
  }
}
