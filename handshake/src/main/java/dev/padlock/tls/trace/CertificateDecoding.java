package dev.padlock.tls.trace;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** DER certificates from the wire, read by the JDK's X.509 parser. */
final class CertificateDecoding {
  private CertificateDecoding() {}

  static X509Certificate x509(byte[] der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
  }
}
