package dev.padlock.tls.internal;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Bouncy Castle's JSSE as padlock uses it: one instance, handed to each SSLContext that asks for it and
 * registered nowhere ({@code Security.addProvider} is never called, no system property is read or set by
 * padlock), so the host application's JCA and JSSE are untouched.
 *
 * <p>Each operation goes to the implementation that is fastest on Java 17 for it:
 *
 * <ul>
 *   <li>public-key work (ECDSA and EdDSA signatures, ECDH and X25519/X448 key agreement and key
 *       generation, key decoding) to a private {@link BouncyCastleProvider} instance: its P-256 is 7x
 *       (signing) to 13x (verifying) faster than SunEC's on Java 17, and it is what makes a full
 *       handshake cheap;
 *   <li>record protection and hashing (AES-GCM, ChaCha20-Poly1305, HMAC, SHA-2) and certificate
 *       parsing to the JDK's providers, found the JDK's usual way: AES-GCM there runs on the CPU's AES
 *       and carry-less-multiply instructions (several times Bouncy Castle's pure-Java AES), and the
 *       JDK's certificate factory keeps the certificates it parsed, so padlock's trust manager and the
 *       JDK's path validator get the JDK's own certificate objects.
 * </ul>
 *
 * Anything the JDK does not offer falls back to Bouncy Castle. Random numbers come from Bouncy Castle's
 * DRBGs (one for keys, a separate one for nonces), as in a stock Bouncy Castle JSSE.
 */
public final class BouncyCastleTls {
  private BouncyCastleTls() {}

  /** The JSSE provider: TLS 1.3 and 1.2 by Bouncy Castle over the routing above. */
  public static Provider jsseProvider() {
    return Holder.JSSE;
  }

  /** The private Bouncy Castle JCA provider instance (never registered). */
  public static Provider jcaProvider() {
    return Holder.BC;
  }

  /**
   * The same private key as a Bouncy Castle key object, which its signers use at full speed: handed a
   * JDK EC key, Bouncy Castle rebuilds the curve's generator and its precomputed multiples on every
   * signature (2,300 signatures/s against 11,000/s on this kind of machine). A key whose bytes cannot be
   * read (in a token) is returned as it is.
   */
  public static PrivateKey privateKey(PrivateKey key) {
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null || !"PKCS#8".equals(key.getFormat())) {
      return key;
    }
    try {
      return KeyFactory.getInstance(key.getAlgorithm(), Holder.BC)
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      return key;
    } finally {
      java.util.Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** Whether Bouncy Castle can sign with this key: it needs the key's bytes (not a token's handle). */
  public static boolean canUse(PrivateKey key) {
    return key == null || "PKCS#8".equals(key.getFormat());
  }

  private static final class Holder {
    static final Provider BC = new BouncyCastleProvider();
    static final Provider JSSE = new BouncyCastleJsseProvider(false, new Crypto(BC));
  }

  /** Builds each context's TLS crypto on the routing helper. */
  private static final class Crypto extends JcaTlsCryptoProvider {
    private final Provider bc;
    private final JcaJceHelper helper;

    Crypto(Provider bc) {
      this.bc = bc;
      this.helper = new RoutingHelper(bc);
    }

    @Override
    public JcaJceHelper getHelper() {
      return helper;
    }

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom) {
      try {
        SecureRandom keys = keyRandom != null ? keyRandom : SecureRandom.getInstance("DEFAULT", bc);
        return create(keys, SecureRandom.getInstance("NONCEANDIV", bc));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("Bouncy Castle offers no DRBG: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Bouncy Castle for public-key operations, the JDK (with Bouncy Castle as a fallback) for ciphers,
   * MACs, digests, AEAD parameters and certificate parsing.
   */
  static final class RoutingHelper extends ProviderJcaJceHelper {
    private static final Set<String> JDK_PARAMETERS = Set.of("GCM", "CCM", "CHACHA20-POLY1305");

    RoutingHelper(Provider bc) {
      super(bc);
    }

    @Override
    public Cipher createCipher(String algorithm)
        throws NoSuchAlgorithmException, NoSuchPaddingException {
      if (!algorithm.toUpperCase(java.util.Locale.ROOT).startsWith("RSA")) {
        try {
          return Cipher.getInstance(algorithm);
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
          // not in the JDK: Bouncy Castle's below
        }
      }
      return super.createCipher(algorithm);
    }

    @Override
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
      try {
        return Mac.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        return super.createMac(algorithm);
      }
    }

    @Override
    public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
      try {
        return MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        return super.createMessageDigest(algorithm);
      }
    }

    @Override
    public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
      return createMessageDigest(algorithm);
    }

    @Override
    public AlgorithmParameters createAlgorithmParameters(String algorithm)
        throws NoSuchAlgorithmException {
      if (JDK_PARAMETERS.contains(algorithm.toUpperCase(java.util.Locale.ROOT))) {
        try {
          return AlgorithmParameters.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
          // below
        }
      }
      return super.createAlgorithmParameters(algorithm);
    }

    @Override
    public CertificateFactory createCertificateFactory(String type)
        throws CertificateException {
      try {
        return CertificateFactory.getInstance(type);
      } catch (CertificateException e) {
        return super.createCertificateFactory(type);
      }
    }
  }
}
