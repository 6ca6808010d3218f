package dev.padlock.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.tls.MutualTls.TlsProvider;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.RefusedHandshake;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A padlock client, on each TLS provider, against {@code openssl s_server -Verify 1
 * -verify_return_error}: served over TLS 1.3 and 1.2 with its certificate checked by openssl; a server
 * certificate for another host or from a stranger CA is refused by the client with a named cause.
 */
class ClientInteropTest {
  static final MutableClock CLOCK = MutableClock.atNow();
  static final TestPki.Ca ROOT = TestPki.root("Client Interop Root").clock(CLOCK).build();
  static final TestPki.Ca ISSUING = ROOT.intermediate("Client Interop Issuing").build();
  static final TestPki.Ca STRANGER = TestPki.root("Stranger Root").clock(CLOCK).build();
  static final TestPki.Leaf SERVER = ISSUING.leaf("server").dns("localhost").serverAuth().build();
  static final TestPki.Leaf CLIENT = ISSUING.leaf("client").uri("spiffe://interop/client")
      .clientAuth().build();

  @TempDir Path dir;
  final List<RefusedHandshake> refused = new CopyOnWriteArrayList<>();

  Tool.Server opensslServer(int port, TestPki.Leaf leaf, String... extra) {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_server", "-accept",
        "127.0.0.1:" + port, "-cert", leaf.writeCertPem(dir.resolve("s.pem")).toString(),
        "-key", leaf.writeKeyPem(dir.resolve("s.key")).toString(), "-CAfile",
        ROOT.writePem(dir.resolve("root.pem")).toString(), "-Verify", "1", "-verify_return_error",
        "-www"));
    if (leaf.chain().size() > 1) {
      cmd.addAll(List.of("-cert_chain", TestPki.writePem(dir.resolve("s-chain.pem"),
          leaf.chain().subList(1, leaf.chain().size()).toArray()).toString()));
    }
    cmd.addAll(List.of(extra));
    return Tool.Server.start(dir, line -> line.startsWith("ACCEPT"), cmd.toArray(String[]::new));
  }

  MutualTls client(TlsProvider provider, TestPki.Ca trusted) {
    return MutualTls.client(TlsIdentity.of(CLIENT.privateKey(), CLIENT.chain()))
        .trust(TrustBundle.of(trusted.certificate())).clock(CLOCK).tlsProvider(provider)
        .listener(refused::add).build();
  }

  static String get(MutualTls tls, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) tls.sslContext().getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "served by openssl s_server over TLS 1.3 and 1.2 [{0}]")
  @EnumSource(TlsProvider.class)
  void servedByOpensslOverTls13And12(TlsProvider provider) throws Exception {
    for (String version : List.of("-tls1_3", "-tls1_2")) {
      int port = Tool.freePort();
      try (Tool.Server s = opensslServer(port, SERVER, version)) {
        // -www answers with its session: the protocol, and that it verified our certificate.
        String page = get(client(provider, ROOT), port);
        assertThat(page).as(version).contains("200 ok")
            .contains(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2")
            .contains("Client certificate");
      }
    }
    assertThat(refused).isEmpty();
  }

  @ParameterizedTest(name = "refused: server certificate for another host [{0}]")
  @EnumSource(TlsProvider.class)
  void serverForAnotherHostIsRefusedWithItsCause(TlsProvider provider) {
    int port = Tool.freePort();
    try (Tool.Server s = opensslServer(port, ISSUING.leaf("other").dns("other.example")
        .serverAuth().build())) {
      assertThatThrownBy(() -> get(client(provider, ROOT), port)).isInstanceOf(IOException.class);
    }
    assertThat(refused).as(refused.toString()).extracting(RefusedHandshake::cause)
        .containsExactly(FailureCause.PEER_CERTIFICATE_WRONG_HOST);
    assertThat(refused.get(0).detail()).contains("other.example");
  }

  @ParameterizedTest(name = "refused: server certificate from a CA we do not trust [{0}]")
  @EnumSource(TlsProvider.class)
  void serverFromAStrangerCaIsRefusedWithItsCause(TlsProvider provider) {
    int port = Tool.freePort();
    try (Tool.Server s = opensslServer(port, SERVER)) {
      assertThatThrownBy(() -> get(client(provider, STRANGER), port)).isInstanceOf(IOException.class);
    }
    assertThat(refused).as(refused.toString()).extracting(RefusedHandshake::cause)
        .containsExactly(FailureCause.PEER_CERTIFICATE_UNTRUSTED);
  }
}
