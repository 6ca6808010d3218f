package dev.padlock.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.tls.MutualTls.TlsProvider;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.RefusedHandshake;
import dev.padlock.tls.testing.EchoServer;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** padlock server against padlock client, over loopback sockets. */
class MutualTlsTest {
  @TempDir Path dir;
  final MutableClock clock = MutableClock.atNow();
  final TestPki.Ca root = TestPki.root("Root").clock(clock).build();
  final TestPki.Ca issuing = root.intermediate("Issuing").build();
  final TestPki.Leaf serverLeaf = issuing.leaf("server").dns("localhost").ip("127.0.0.1")
      .serverAuth().build();
  final TestPki.Leaf clientLeaf = issuing.leaf("client").uri("spiffe://test/client").clientAuth()
      .build();
  final LinkedBlockingQueue<RefusedHandshake> refused = new LinkedBlockingQueue<>();

  MutualTls server(PeerPolicy policy, RevocationSource revocation) {
    return server(TlsProvider.JDK, policy, revocation);
  }

  MutualTls server(TlsProvider provider, PeerPolicy policy, RevocationSource revocation) {
    return MutualTls.server(TlsIdentity.of(serverLeaf.privateKey(), serverLeaf.chain()))
        .trust(TrustBundle.of(root.certificate())).peerPolicy(policy).revocation(revocation)
        .clock(clock).listener(refused::add).tlsProvider(provider).build();
  }

  MutualTls client(TestPki.Leaf leaf, MutualTls.Version... versions) {
    return client(TlsProvider.JDK, leaf, versions);
  }

  MutualTls client(TlsProvider provider, TestPki.Leaf leaf, MutualTls.Version... versions) {
    MutualTls.ClientBuilder b = leaf == null ? MutualTls.clientWithoutCertificate()
        : MutualTls.client(TlsIdentity.of(leaf.privateKey(), leaf.chain()));
    b.trust(TrustBundle.of(root.certificate())).clock(clock).tlsProvider(provider);
    if (versions.length > 0) {
      b.versions(versions);
    }
    return b.build();
  }

  static String talk(SSLContext ctx, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.UTF_8));
      return r.readLine() + " / " + r.readLine() + " / " + s.getSession().getProtocol();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void allowedClientIsServedOverTls13AndTls12(TlsProvider provider) throws Exception {
    try (EchoServer srv = new EchoServer(server(provider,
        PeerPolicy.builder().allowUri("spiffe://test/client").build(), RevocationSource.none()))) {
      assertThat(talk(client(provider, clientLeaf).sslContext(), srv.port()))
          .startsWith("hello CN=client").endsWith("ping / TLSv1.3");
      assertThat(talk(client(provider, clientLeaf, MutualTls.Version.TLS_1_2).sslContext(), srv.port()))
          .endsWith("ping / TLSv1.2");
    }
    assertThat(refused).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void emptyPolicyDeniesEveryClient(TlsProvider provider) throws Exception {
    try (EchoServer srv = new EchoServer(server(provider, PeerPolicy.builder().build(),
        RevocationSource.none()))) {
      assertThatThrownBy(() -> talk(client(provider, clientLeaf).sslContext(), srv.port()))
          .isInstanceOf(java.io.IOException.class); // TLS 1.3: may surface as a reset
      RefusedHandshake r = refused.poll(10, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.cause()).isEqualTo(FailureCause.PEER_NOT_ALLOWED);
      assertThat(r.peerCertificate()).get().extracting(c -> c.subject()).asString()
          .contains("CN=client");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void clientWithoutCertificateIsRefusedAndReported(TlsProvider provider) throws Exception {
    try (EchoServer srv = new EchoServer(server(provider, PeerPolicy.anyTrustedPeer(),
        RevocationSource.none()))) {
      for (MutualTls.Version v : MutualTls.Version.values()) {
        // TLS 1.3: the client's handshake completes before the server refuses, so the failure
        // shows on the first read or write (an SSLException or a reset connection).
        assertThatThrownBy(() -> talk(client(provider, null, v).sslContext(), srv.port()))
            .isInstanceOf(java.io.IOException.class);
        RefusedHandshake r = refused.poll(10, TimeUnit.SECONDS);
        assertThat(r).as(v.name()).isNotNull();
        assertThat(r.cause()).as(v.name()).isEqualTo(FailureCause.CLIENT_CERTIFICATE_REQUIRED);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void revokedClientIsRefusedWithDateAndReason(TlsProvider provider) throws Exception {
    Path crl = issuing.crl().revoke(clientLeaf.serial(), Instant.parse("2030-02-03T04:05:06Z"),
        TestPki.Reason.KEY_COMPROMISE).writePem(dir.resolve("crl.pem"));
    try (EchoServer srv = new EchoServer(server(provider, PeerPolicy.anyTrustedPeer(),
        RevocationSource.builder().crlFile(crl).build()))) {
      assertThatThrownBy(() -> talk(client(provider, clientLeaf).sslContext(), srv.port()))
          .isInstanceOf(java.io.IOException.class); // TLS 1.3: may surface as a reset
      RefusedHandshake r = refused.poll(10, TimeUnit.SECONDS);
      assertThat(r.cause()).isEqualTo(FailureCause.PEER_CERTIFICATE_REVOKED);
      assertThat(r.detail()).contains("2030-02-03T04:05:06Z").contains("keyCompromise");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void serverCertificateForAnotherHostIsRefusedByTheClient(TlsProvider provider) throws Exception {
    TestPki.Leaf other = issuing.leaf("other").dns("other.example").serverAuth().build();
    MutualTls srvTls = MutualTls.server(TlsIdentity.of(other.privateKey(), other.chain()))
        .trust(TrustBundle.of(root.certificate())).peerPolicy(PeerPolicy.anyTrustedPeer())
        .clock(clock).tlsProvider(provider).build();
    List<RefusedHandshake> clientSide = new CopyOnWriteArrayList<>();
    MutualTls c = MutualTls.client(TlsIdentity.of(clientLeaf.privateKey(), clientLeaf.chain()))
        .trust(TrustBundle.of(root.certificate())).clock(clock).listener(clientSide::add)
        .tlsProvider(provider).build();
    try (EchoServer srv = new EchoServer(srvTls)) {
      // Bouncy Castle's JSSE throws its TlsFatalAlert, an IOException, where SunJSSE throws an SSLException.
      assertThatThrownBy(() -> talk(c.sslContext(), srv.port())).isInstanceOf(
          provider == TlsProvider.JDK ? SSLException.class : java.io.IOException.class);
    }
    assertThat(clientSide).extracting(RefusedHandshake::cause)
        .containsExactly(FailureCause.PEER_CERTIFICATE_WRONG_HOST);
  }

  @Test
  void bouncyCastleJsseProviderPerContextWithoutGlobalRegistration() throws Exception {
    int providersBefore = java.security.Security.getProviders().length;
    MutualTls bcServer = MutualTls.server(TlsIdentity.of(serverLeaf.privateKey(), serverLeaf.chain()))
        .trust(TrustBundle.of(root.certificate())).peerPolicy(PeerPolicy.anyTrustedPeer())
        .clock(clock).listener(refused::add)
        .provider(new org.bouncycastle.jsse.provider.BouncyCastleJsseProvider(
            new org.bouncycastle.jce.provider.BouncyCastleProvider()))
        .build();
    try (EchoServer srv = new EchoServer(bcServer)) {
      assertThat(talk(client(clientLeaf).sslContext(), srv.port())).endsWith("ping / TLSv1.3");
      assertThat(talk(client(clientLeaf, MutualTls.Version.TLS_1_2).sslContext(), srv.port()))
          .endsWith("ping / TLSv1.2");
      assertThatThrownBy(() -> talk(client(null).sslContext(), srv.port()))
          .isInstanceOf(java.io.IOException.class);
    }
    assertThat(java.security.Security.getProviders()).hasSize(providersBefore);
    RefusedHandshake r = refused.poll(10, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.cause()).isEqualTo(FailureCause.CLIENT_CERTIFICATE_REQUIRED);
  }

  @Test
  void bouncyCastleProviderChangesNothingJvmWideAndTalksToTheJdksProvider() throws Exception {
    java.util.List<String> providersBefore = providerNames();
    java.util.Properties propertiesBefore = (java.util.Properties) System.getProperties().clone();
    MutualTls bcServer = server(TlsProvider.BOUNCY_CASTLE, PeerPolicy.anyTrustedPeer(),
        RevocationSource.none());
    MutualTls bcClient = client(TlsProvider.BOUNCY_CASTLE, clientLeaf);
    assertThat(bcServer.tlsProvider()).isEqualTo(TlsProvider.BOUNCY_CASTLE);
    assertThat(bcServer.sslContext().getProvider().getName()).isEqualTo("BCJSSE");
    assertThat(client(clientLeaf).sslContext().getProvider().getName()).isEqualTo("SunJSSE");
    try (EchoServer bc = new EchoServer(bcServer);
        EchoServer jdk = new EchoServer(server(PeerPolicy.anyTrustedPeer(), RevocationSource.none()))) {
      assertThat(talk(client(clientLeaf).sslContext(), bc.port())).endsWith("ping / TLSv1.3");
      assertThat(talk(bcClient.sslContext(), jdk.port())).endsWith("ping / TLSv1.3");
      assertThat(talk(client(TlsProvider.BOUNCY_CASTLE, clientLeaf, MutualTls.Version.TLS_1_2)
          .sslContext(), jdk.port())).endsWith("ping / TLSv1.2");
    }
    assertThat(providerNames()).isEqualTo(providersBefore);
    assertThat(System.getProperties()).isEqualTo(propertiesBefore);
    assertThat(refused).isEmpty();
  }

  @Test
  void aKeyWhoseBytesCannotBeReadKeepsTheJdksProviderAndStillServes() throws Exception {
    // Like a key in a token: no PKCS#8 encoding to hand Bouncy Castle, but the JDK's providers can sign with it.
    java.security.interfaces.ECPrivateKey real =
        (java.security.interfaces.ECPrivateKey) serverLeaf.privateKey();
    java.security.interfaces.ECPrivateKey opaque = new java.security.interfaces.ECPrivateKey() {
      @Override
      public java.math.BigInteger getS() {
        return real.getS();
      }

      @Override
      public java.security.spec.ECParameterSpec getParams() {
        return real.getParams();
      }

      @Override
      public String getAlgorithm() {
        return "EC";
      }

      @Override
      public String getFormat() {
        return null;
      }

      @Override
      public byte[] getEncoded() {
        return null;
      }
    };
    MutualTls s = MutualTls.server(TlsIdentity.of(opaque, serverLeaf.chain()))
        .trust(TrustBundle.of(root.certificate())).peerPolicy(PeerPolicy.anyTrustedPeer()).clock(clock)
        .listener(refused::add).tlsProvider(TlsProvider.BOUNCY_CASTLE).build();
    assertThat(s.tlsProvider()).isEqualTo(TlsProvider.JDK);
    assertThat(s.sslContext().getProvider().getName()).isEqualTo("SunJSSE");
    try (EchoServer srv = new EchoServer(s)) {
      assertThat(talk(client(TlsProvider.BOUNCY_CASTLE, clientLeaf).sslContext(), srv.port()))
          .endsWith("ping / TLSv1.3");
    }
    assertThat(refused).isEmpty();
  }

  private static java.util.List<String> providerNames() {
    return java.util.Arrays.stream(java.security.Security.getProviders())
        .map(java.security.Provider::getName).toList();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TlsProvider.class)
  void defaultsAreAeadOnlyTls13And12WithClientAuthRequired(TlsProvider provider) {
    MutualTls s = server(provider, PeerPolicy.anyTrustedPeer(), RevocationSource.none());
    assertThat(s.sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(s.sslParameters().getCipherSuites()).allMatch(
        c -> c.contains("_GCM_") || c.contains("CHACHA20_POLY1305"));
    assertThat(s.sslParameters().getNeedClientAuth()).isTrue();
    assertThat(s.sslContext().createSSLEngine().getNeedClientAuth()).isTrue();
    assertThat(s.sslContext().createSSLEngine().getEnabledCipherSuites())
        .containsExactlyInAnyOrder(s.sslParameters().getCipherSuites());
  }
}
