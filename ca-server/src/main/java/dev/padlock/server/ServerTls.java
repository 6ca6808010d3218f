package dev.padlock.server;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS listener's TLS settings: TLS 1.3 and 1.2 with AEAD suites only, the server's own certificate,
 * and client certificates <em>wanted</em> (not required) and trusted when they chain to this CA — EST
 * {@code simpleenroll} comes without one, {@code simplereenroll} and the admin API with one. Revocation is
 * not checked here: the authorizers check the store on every request, which sees a revocation at once.
 *
 * <p>A seam: DESIGN.md has ca-server build this with the handshake module ({@code MutualTls.server(identity)}),
 * which does not exist yet; when it lands, {@link #context} delegates to it with client auth optional.
 */
final class ServerTls {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  static final String[] CIPHER_SUITES = {
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

  private ServerTls() {}

  /**
   * An SSLContext serving {@code chain} (leaf first) with {@code key}, accepting client certificates that
   * chain to {@code anchors} ({@link CertificateHolderTrust}: any certificate this CA issued, whatever its EKU).
   */
  static SSLContext context(PrivateKey key, List<X509CertificateHolder> chain, List<X509CertificateHolder> anchors,
      java.time.Clock clock) {
    try {
      char[] pw = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, pw, chain.stream().map(ServerTls::jdk).toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, pw);

      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {
          new CertificateHolderTrust(anchors.stream().map(ServerTls::jdk).toList(), clock)}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot set up TLS for the server: " + e.getMessage(), e);
    }
  }

  /** Jetty's view of {@code context}: the protocols and suites above, client certificates wanted. */
  static SslContextFactory.Server factory(SSLContext context) {
    SslContextFactory.Server f = new SslContextFactory.Server();
    f.setSslContext(context);
    f.setIncludeProtocols(PROTOCOLS);
    f.setIncludeCipherSuites(CIPHER_SUITES);
    f.setWantClientAuth(true);
    f.setNeedClientAuth(false);
    f.setSniRequired(false);
    f.setEndpointIdentificationAlgorithm(null);
    return f;
  }

  static X509Certificate jdk(X509CertificateHolder holder) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot convert certificate " + holder.getSubject(), e);
    }
  }
}
