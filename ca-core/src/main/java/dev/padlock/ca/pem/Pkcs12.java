package dev.padlock.ca.pem;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A key and its chain as a password-protected PKCS#12 file, written by the JDK's keystore (PBES2 with
 * AES-256 and an HMAC-SHA256 MAC on Java 17), readable by {@code openssl pkcs12} and by browsers.
 */
public final class Pkcs12 {
  private Pkcs12() {}

  /** {@code chain} starts with the key's certificate. */
  public static byte[] write(String alias, PrivateKey key, List<X509CertificateHolder> chain, char[] password) {
    if (password.length == 0) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "a PKCS#12 password must not be empty");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Certificate[] certs = new Certificate[chain.size()];
      for (int i = 0; i < certs.length; i++) {
        certs[i] = cf.generateCertificate(new ByteArrayInputStream(chain.get(i).getEncoded()));
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(alias, key, password, certs);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, password);
      return out.toByteArray();
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot write the PKCS#12 file", e);
    }
  }
}
