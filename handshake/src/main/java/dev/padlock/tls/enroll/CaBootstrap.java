package dev.padlock.tls.enroll;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trust from a fingerprint, as RFC 7030 §4.1.1 and {@code step ca bootstrap} do it: fetch the CA
 * certificates once over a TLS connection whose server is <em>not yet</em> authenticated, and keep the
 * root only if its SHA-256 fingerprint is the one the user was given out of band. Nothing is sent on that
 * connection but the request for {@code /cacerts}; every later connection authenticates the server
 * against the root found here.
 */
public final class CaBootstrap {
  private CaBootstrap() {}

  /** Normalises a fingerprint: hex, colons and case ignored. */
  public static String normalize(String fingerprint) {
    String f = fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
    if (!f.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + fingerprint + "' is not a SHA-256 fingerprint: 64 hex digits, "
          + "colons allowed (padlock init prints it)");
    }
    return f;
  }

  public static String sha256(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The root of the EST server at {@code server} whose SHA-256 fingerprint is {@code fingerprint}.
   *
   * @throws EstException if the server cannot be reached, or offers no CA certificate with that fingerprint
   */
  public static X509Certificate rootByFingerprint(URI server, String fingerprint, Duration timeout)
      throws EstException {
    String wanted = normalize(fingerprint);
    List<X509Certificate> offered = EstClient.builder(server).sslContext(unauthenticated()).timeout(timeout).build()
        .caCerts();
    for (X509Certificate c : offered) {
      if (sha256(c).equals(wanted)) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) || c.getBasicConstraints() < 0) {
          throw EstException.refusedLocally("the certificate with fingerprint " + wanted + " is not a root CA certificate");
        }
        return c;
      }
    }
    throw EstException.refusedLocally("no CA certificate of " + server.getAuthority() + " has the fingerprint " + wanted
        + ": check the fingerprint, or you may not be talking to your CA");
  }

  /**
   * A TLS context that does not authenticate the server: used for exactly one GET of {@code /cacerts}, whose
   * answer is then checked against the fingerprint before anything trusts it.
   */
  private static SSLContext unauthenticated() {
    X509TrustManager unverified = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // Deliberately unverified: see the class comment. The fingerprint check is the verification.
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {unverified}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
