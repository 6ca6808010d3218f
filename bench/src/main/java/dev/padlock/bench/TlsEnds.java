package dev.padlock.bench;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.internal.BouncyCastleTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two ends of a mutual-TLS handshake in this JVM, one kind per figure: padlock's contexts (its trust
 * manager, the CRL from a file), bare JSSE (the JDK's default key and trust managers, no revocation), and
 * JSSE with the JDK's own {@link PKIXRevocationChecker} over the same CRL. Both ends are of the same kind:
 * the client checks the server as the server checks the client.
 */
record TlsEnds(String name, SSLContext server, SSLContext client, boolean configured) {

  /** padlock on both ends, the CRL of the issuing CA checked for every peer, on {@code provider}. */
  static TlsEnds padlock(TlsPki pki, MutualTls.TlsProvider provider, String name) throws IOException {
    return new TlsEnds(name, padlockServer(pki, provider).build().sslContext(),
        padlockClient(pki, provider).build().sslContext(), true);
  }

  /** padlock's server: the issuing CA's CRL, any trusted client, TLS 1.3 and 1.2. */
  static MutualTls.ServerBuilder padlockServer(TlsPki pki, MutualTls.TlsProvider provider) throws IOException {
    return MutualTls.server(TlsIdentity.fromPem(pki.serverChain, pki.serverKey)).trust(trust(pki))
        .revocation(pki.revocation()).peerPolicy(PeerPolicy.anyTrustedPeer()).tlsProvider(provider);
  }

  /** padlock's client: checks the server's chain, host name ({@code localhost}) and the CRL. */
  static MutualTls.ClientBuilder padlockClient(TlsPki pki, MutualTls.TlsProvider provider) throws IOException {
    return MutualTls.client(TlsIdentity.fromPem(pki.clientChain, pki.clientKey)).trust(trust(pki))
        .revocation(pki.revocation()).serverName("localhost").tlsProvider(provider);
  }

  private static TrustBundle trust(TlsPki pki) throws IOException {
    return TrustBundle.builder().addAnchorsPem(pki.root).addIntermediatesPem(pki.issuing).build();
  }

  /** JSSE's default managers, no revocation checking: the limit. {@code jsse} null: SunJSSE. */
  static TlsEnds bare(TlsPki pki, Provider jsse, String name) throws Exception {
    TrustManagerFactory tmf = jsse == null ? TrustManagerFactory.getInstance("PKIX")
        : TrustManagerFactory.getInstance("PKIX", jsse);
    tmf.init(trustStore(pki));
    return new TlsEnds(name, context(jsse, keys(pki.serverChain, pki.serverKey, jsse), tmf),
        context(jsse, keys(pki.clientChain, pki.clientKey, jsse), tmf), false);
  }

  /**
   * SunJSSE whose trust manager runs the JDK's PKIXRevocationChecker over the same CRL (a Collection
   * CertStore holding it, parsed once): end-entity only, CRLs only, like padlock's check.
   */
  static TlsEnds jdkChecker(TlsPki pki) throws Exception {
    PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
    checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
        PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
    PKIXBuilderParameters params = new PKIXBuilderParameters(trustStore(pki), new X509CertSelector());
    params.setRevocationEnabled(true);
    params.addCertPathChecker(checker);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(pki.jdkCrl()))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(new CertPathTrustManagerParameters(params));
    return new TlsEnds("jdk_checker", context(null, keys(pki.serverChain, pki.serverKey, null), tmf),
        context(null, keys(pki.clientChain, pki.clientKey, null), tmf), false);
  }

  private static KeyStore trustStore(TlsPki pki) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("root", pki.jdkRoot());
    return ks;
  }

  private static KeyManagerFactory keys(java.nio.file.Path chain, java.nio.file.Path key, Provider jsse)
      throws Exception {
    TlsIdentity id = TlsIdentity.fromPem(chain, key);
    // Bouncy Castle signs at full speed with its own key objects (a JDK key costs it 5x per signature):
    // its own PKCS#12 key store hands them out.
    KeyStore ks = jsse == null ? KeyStore.getInstance("PKCS12")
        : KeyStore.getInstance("PKCS12", BouncyCastleTls.jcaProvider());
    ks.load(null, null);
    ks.setKeyEntry("me", jsse == null ? id.privateKey() : BouncyCastleTls.privateKey(id.privateKey()),
        "x".toCharArray(),
        id.chain().toArray(java.security.cert.Certificate[]::new));
    KeyManagerFactory kmf = jsse == null ? KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
        : KeyManagerFactory.getInstance("PKIX", jsse);
    kmf.init(ks, "x".toCharArray());
    return kmf;
  }

  private static SSLContext context(Provider jsse, KeyManagerFactory kmf, TrustManagerFactory tmf) throws Exception {
    SSLContext c = jsse == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", jsse);
    c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  /** A server on loopback that completes each handshake, answers one byte and closes; one connection at a time. */
  Server startServer() throws IOException {
    return new Server(this);
  }

  /** One full handshake against {@code server}: the client waits for the server's byte, so both ends finished. */
  void handshake(Server server) throws IOException {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
        server.port())) {
      s.setSoLinger(true, 0); // no TIME_WAIT: thousands of connections a second
      s.setTcpNoDelay(true);
      s.startHandshake();
      if (s.getInputStream().read() != 1) {
        throw new IOException(name + ": the server did not answer");
      }
      s.getSession().invalidate(); // no resumption: every handshake is a full one
    }
  }

  /** The server end, on a thread of its own. */
  static final class Server implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure;

    Server(TlsEnds ends) throws IOException {
      ServerSocket ss = ends.server.getServerSocketFactory().createServerSocket(0, 256,
          InetAddress.getLoopbackAddress());
      if (!ends.configured) {
        ((SSLServerSocket) ss).setNeedClientAuth(true);
      }
      this.listener = ss;
      this.thread = new Thread(this::serve, "bench-tls-server-" + ends.name);
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    long failures() {
      return failures.get();
    }

    String lastFailure() {
      return lastFailure;
    }

    private void serve() {
      while (!listener.isClosed()) {
        try (Socket s = listener.accept()) {
          s.setSoLinger(true, 0);
          s.setTcpNoDelay(true);
          ((SSLSocket) s).startHandshake();
          ((SSLSocket) s).getSession().invalidate(); // no resumption on either side
          OutputStream out = s.getOutputStream();
          out.write(1);
          out.flush();
          InputStream in = s.getInputStream();
          in.read(); // until the client closes
        } catch (IOException e) {
          if (!listener.isClosed() && !String.valueOf(e.getMessage()).contains("reset")) {
            failures.incrementAndGet();
            lastFailure = e.toString();
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
