package dev.padlock.tls;

import dev.padlock.tls.internal.KeyMatch;
import dev.padlock.tls.internal.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * Who we are in a TLS handshake: a private key and the certificate chain that goes with it (leaf
 * first, then the intermediates that issued it; the root is optional and usually left out). The TLS
 * {@code Certificate} message (RFC 8446 section 4.4.2) sends this chain; {@code CertificateVerify}
 * proves we hold the key.
 *
 * <p>Immutable. Every factory checks that the key matches the leaf certificate and that each
 * certificate of the chain is issued by the next; a bad file fails to load instead of failing
 * handshakes later. An identity read from files remembers them, so {@link MutualTls} can re-read
 * them when they change ({@link #reread()}).
 */
public final class TlsIdentity {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final List<Path> files;
  private final char[] password;
  private final boolean pkcs12;

  private TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain, List<Path> files,
      char[] password, boolean pkcs12) {
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.files = List.copyOf(files);
    this.password = password == null ? null : password.clone();
    this.pkcs12 = pkcs12;
  }

  /**
   * Reads a PEM certificate chain (leaf first) and an unencrypted PEM private key (PKCS#8, PKCS#1 or
   * SEC1).
   *
   * @throws IOException if a file cannot be read, holds no certificate or key, or the key does not
   *     match the certificate, or the chain is out of order
   */
  public static TlsIdentity fromPem(Path certificateChain, Path privateKey) throws IOException {
    return fromPem(certificateChain, privateKey, null);
  }

  /** Like {@link #fromPem(Path, Path)}, for a private key encrypted with a password. */
  public static TlsIdentity fromPem(Path certificateChain, Path privateKey, char[] keyPassword)
      throws IOException {
    List<X509Certificate> chain = Pem.readCertificates(certificateChain);
    PrivateKey key = Pem.readPrivateKey(privateKey, keyPassword);
    return validated(key, chain, List.of(certificateChain, privateKey), keyPassword, false);
  }

  /**
   * Reads the first key entry of a PKCS#12 file, with its chain.
   *
   * @throws IOException if the file cannot be read or decrypted, holds no key entry, or its key and
   *     chain do not match
   */
  public static TlsIdentity fromPkcs12(Path file, char[] password) throws IOException {
    Objects.requireNonNull(password, "password");
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
        String alias = e.nextElement();
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        Key key = ks.getKey(alias, password);
        Certificate[] certs = ks.getCertificateChain(alias);
        if (!(key instanceof PrivateKey pk) || certs == null || certs.length == 0) {
          continue;
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certs) {
          chain.add((X509Certificate) c);
        }
        return validated(pk, chain, List.of(file), password, true);
      }
      throw new IOException("no private key entry with a certificate in " + file);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException("cannot read PKCS#12 file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * An identity from a key and chain already in memory (not reloadable).
   *
   * @throws IllegalArgumentException if the key does not match the leaf or the chain is out of order
   */
  public static TlsIdentity of(PrivateKey privateKey, List<X509Certificate> chain) {
    try {
      return validated(privateKey, chain, List.of(), null, false);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Reads this identity's files again and returns the new identity; this one is unchanged. */
  public TlsIdentity reread() throws IOException {
    if (files.isEmpty()) {
      return this;
    }
    return pkcs12 ? fromPkcs12(files.get(0), password) : fromPem(files.get(0), files.get(1), password);
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The chain sent in the handshake: leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The files this identity was read from (empty if built in memory). */
  public List<Path> files() {
    return files;
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + ", serial "
        + certificate().getSerialNumber().toString(16) + "]";
  }

  private static TlsIdentity validated(PrivateKey key, List<X509Certificate> chain, List<Path> files,
      char[] password, boolean pkcs12) throws IOException {
    Objects.requireNonNull(key, "privateKey");
    if (chain == null || chain.isEmpty()) {
      throw new IOException("identity has no certificate");
    }
    String where = files.isEmpty() ? "" : " (" + files.get(0) + ")";
    if (!KeyMatch.matches(key, chain.get(0).getPublicKey())) {
      throw new IOException("private key does not match certificate "
          + chain.get(0).getSubjectX500Principal().getName() + where);
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      try {
        if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
          throw new GeneralSecurityException("issuer name differs");
        }
        child.verify(parent.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new IOException("certificate chain out of order" + where + ": "
            + parent.getSubjectX500Principal().getName() + " did not issue "
            + child.getSubjectX500Principal().getName(), e);
      }
    }
    return new TlsIdentity(key, chain, files, password, pkcs12);
  }
}
