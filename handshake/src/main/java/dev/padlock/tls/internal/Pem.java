package dev.padlock.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** Reads PEM (and DER) files with Bouncy Castle: certificates, private keys, CRLs. */
public final class Pem {
  private Pem() {}

  /** All certificates in a PEM file (or one DER certificate), in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      if (!looksLikePem(bytes)) {
        return List.of(toX509(bytes));
      }
      List<X509Certificate> out = new ArrayList<>();
      try (PEMParser p = new PEMParser(reader(bytes))) {
        for (Object o; (o = p.readObject()) != null; ) {
          if (o instanceof X509CertificateHolder h) {
            out.add(toX509(h.getEncoded()));
          }
        }
      }
      if (out.isEmpty()) {
        throw new IOException("no certificate in " + file);
      }
      return out;
    } catch (CertificateException | IllegalArgumentException | IllegalStateException e) {
      throw new IOException("cannot read certificates from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The first private key in a PEM file: PKCS#8 ("PRIVATE KEY"), PKCS#1 RSA or SEC1 EC ("RSA/EC
   * PRIVATE KEY"), or encrypted PKCS#8 / legacy encrypted PEM when a password is given.
   */
  public static PrivateKey readPrivateKey(Path file, char[] password) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    try (PEMParser p = new PEMParser(reader(bytes))) {
      for (Object o; (o = p.readObject()) != null; ) {
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair kp) {
          return conv.getKeyPair(kp).getPrivate();
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
          if (password == null) {
            throw new IOException("private key in " + file + " is encrypted: give its password");
          }
          return conv.getPrivateKey(enc.decryptPrivateKeyInfo(
              new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password)));
        }
        if (o instanceof PEMEncryptedKeyPair enc) {
          if (password == null) {
            throw new IOException("private key in " + file + " is encrypted: give its password");
          }
          return conv.getKeyPair(enc.decryptKeyPair(
              new JcePEMDecryptorProviderBuilder().build(password))).getPrivate();
        }
      }
    } catch (PEMException | PKCSException | OperatorCreationException e) {
      throw new IOException("cannot read private key from " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new IOException("cannot read private key from " + file + ": malformed", e);
    }
    throw new IOException("no private key in " + file);
  }

  /** A CRL in DER, from DER or PEM ("X509 CRL") bytes. */
  public static byte[] crlDer(byte[] bytes, String origin) throws IOException {
    if (!looksLikePem(bytes)) {
      return bytes;
    }
    try (PemReader r = new PemReader(reader(bytes))) {
      for (PemObject o; (o = r.readPemObject()) != null; ) {
        if (o.getType().equals("X509 CRL")) {
          return o.getContent();
        }
      }
    }
    throw new IOException("no CRL (BEGIN X509 CRL) in " + origin);
  }

  public static X509Certificate toX509(byte[] der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
  }

  private static boolean looksLikePem(byte[] bytes) {
    int n = Math.min(bytes.length, 4096);
    return new String(bytes, 0, n, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
  }

  private static Reader reader(byte[] bytes) {
    return new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
  }
}
