package dev.padlock.tls.internal;

import java.io.ByteArrayInputStream;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Peer certificates as the JDK's own certificate objects, before the JDK's PKIX validator sees them.
 *
 * <p>A TLS provider other than SunJSSE (Bouncy Castle's JSSE) hands the trust manager certificates of its
 * own class. The JDK's validator accepts them, but re-parses each one from its encoding in three of its
 * checkers (algorithm, name constraints, policy) and verifies its signature anew on every handshake. The
 * JDK's certificate factory keeps the certificates it parsed, by encoding, and a JDK certificate
 * remembers the key its signature last verified with: the same peer certificate arriving again is one
 * lookup, no parsing and no signature math, as it is under SunJSSE. A certificate the JDK cannot read is
 * left as it came (the validator then refuses it with its own reason).
 */
final class JdkCertificates {
  private static final Provider SUN = Security.getProvider("SUN");
  /** The class of the certificates the JDK's factory makes. */
  private static final String JDK_CLASS = "sun.security.x509.X509CertImpl";

  private JdkCertificates() {}

  /** The chain with every certificate a JDK one; the same list if it already was. */
  static List<X509Certificate> of(List<X509Certificate> chain) {
    boolean allJdk = true;
    for (X509Certificate c : chain) {
      allJdk &= isJdk(c);
    }
    if (allJdk) {
      return chain;
    }
    List<X509Certificate> out = new ArrayList<>(chain.size());
    for (X509Certificate c : chain) {
      out.add(of(c));
    }
    return out;
  }

  static X509Certificate of(X509Certificate c) {
    if (isJdk(c)) {
      return c;
    }
    try {
      return (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(c.getEncoded()));
    } catch (CertificateException | RuntimeException e) {
      return c;
    }
  }

  private static CertificateFactory factory() throws CertificateException {
    return SUN != null ? CertificateFactory.getInstance("X.509", SUN) : CertificateFactory.getInstance("X.509");
  }

  private static boolean isJdk(X509Certificate c) {
    return c.getClass().getName().equals(JDK_CLASS);
  }
}
