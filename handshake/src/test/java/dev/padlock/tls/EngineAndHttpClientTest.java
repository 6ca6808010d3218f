package dev.padlock.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.RefusedHandshake;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SSLContext in SSLEngine-based stacks: the JDK's HttpsServer (server engines) and
 * java.net.http.HttpClient (client engines). The server is judged by curl; the client talks to
 * the padlock server (the prober's table already runs padlock's client against openssl s_server).
 */
class EngineAndHttpClientTest {
  @TempDir Path dir;
  final MutableClock clock = MutableClock.atNow();
  final TestPki.Ca root = TestPki.root("Engine Root").clock(clock).build();
  final TestPki.Leaf server = root.leaf("server").dns("localhost").serverAuth().build();
  final TestPki.Leaf client = root.leaf("client").email("ops@example.org").clientAuth().build();

  @ParameterizedTest(name = "{0}")
  @EnumSource(MutualTls.TlsProvider.class)
  void httpsServerOnPadlockEnginesServesCurlAndReportsRefusals(MutualTls.TlsProvider provider)
      throws Exception {
    LinkedBlockingQueue<RefusedHandshake> refused = new LinkedBlockingQueue<>();
    MutualTls tls = MutualTls.server(TlsIdentity.of(server.privateKey(), server.chain()))
        .tlsProvider(provider)
        .trust(TrustBundle.of(root.certificate()))
        .peerPolicy(PeerPolicy.builder().allowEmail("ops@example.org").build()).clock(clock)
        .listener(refused::add).build();
    HttpsServer https = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
    https.createContext("/", ex -> {
      X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession()
          .getPeerCertificates()[0];
      byte[] body = ("hello " + peer.getSubjectX500Principal().getName())
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    https.start();
    try {
      String url = "https://localhost:" + https.getAddress().getPort() + "/";
      String ca = root.writePem(dir.resolve("root.pem")).toString();
      Tool.Result ok = Tool.run(dir, "", "curl", "-sS", "--max-time", "10", "--cacert", ca,
          "--cert", client.writeChainPem(dir.resolve("c.pem")).toString(), "--key",
          client.writeKeyPem(dir.resolve("c.key")).toString(), url);
      assertThat(ok.output()).isEqualTo("hello CN=client,O=padlock tests");

      Tool.Result anonymous = Tool.run(dir, "", "curl", "-sS", "--max-time", "10", "--cacert", ca,
          url);
      assertThat(anonymous.exit()).isNotZero();
      RefusedHandshake r = refused.poll(10, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.cause()).isEqualTo(FailureCause.CLIENT_CERTIFICATE_REQUIRED);
    } finally {
      https.stop(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(MutualTls.TlsProvider.class)
  void httpClientOnPadlockClientContextTalksToAPadlockHttpsServer(MutualTls.TlsProvider provider)
      throws Exception {
    MutualTls serverTls = MutualTls.server(TlsIdentity.of(server.privateKey(), server.chain()))
        .trust(TrustBundle.of(root.certificate())).peerPolicy(PeerPolicy.anyTrustedPeer())
        .clock(clock).build();
    HttpsServer https = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls.sslContext()));
    https.createContext("/", ex -> {
      byte[] body = ((HttpsExchange) ex).getSSLSession().getProtocol()
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    https.start();
    try {
      for (MutualTls.Version v : MutualTls.Version.values()) {
        MutualTls tls = MutualTls.client(TlsIdentity.of(client.privateKey(), client.chain()))
            .trust(TrustBundle.of(root.certificate())).versions(v).clock(clock)
            .tlsProvider(provider).build();
        HttpClient http = HttpClient.newBuilder().sslContext(tls.sslContext())
            .connectTimeout(java.time.Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + https.getAddress().getPort() + "/"))
            .timeout(java.time.Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(v.protocolName());
      }
    } finally {
      https.stop(0);
    }
  }
}
