package dev.padlock.bench;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The limit: raw ECDSA P-256 (SHA256withECDSA) through the JCA of the provider padlock uses, Bouncy
 * Castle's, on a 512-byte message (about a leaf's to-be-signed part). Issuing from a CSR costs one
 * verification (proof of possession) and one signature, so its limit is 1 / (1/sign + 1/verify).
 *
 * <p>Signing uses one key, as a CA does. Verification uses a different key each time, decoded from its
 * SubjectPublicKeyInfo, as a CA meets CSRs: verifying again and again with one key object is faster,
 * because Bouncy Castle keeps precomputed multiples of a point on the point object, and would set the
 * limit where no CA can reach it (that figure is reported too, as context).
 */
final class LimitBench {
  private static final int MESSAGE_BYTES = 512;
  private static final int VERIFY_KEYS = 256;

  private LimitBench() {}

  static KeyPair p256(Provider p) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static byte[] message() {
    byte[] m = new byte[MESSAGE_BYTES];
    new SecureRandom().nextBytes(m);
    return m;
  }

  /** 1/(1/a + 1/b): the rate of doing one a and one b in series. */
  static double serial(double a, double b) {
    return 1 / (1 / a + 1 / b);
  }

  /**
   * Round by round, from interleaved rates [sign, verify, padlock, peer?][round]: the limit, padlock against
   * it, and padlock against the peer (zeros when {@code withPeer} is false).
   */
  record Rounds(double[] limit, double[] vsLimit, double[] vsPeer) {
    static Rounds of(double[][] rates, boolean withPeer) {
      int runs = rates[0].length;
      double[] limit = new double[runs];
      double[] vsLimit = new double[runs];
      double[] vsPeer = new double[runs];
      for (int r = 0; r < runs; r++) {
        limit[r] = serial(rates[0][r], rates[1][r]);
        vsLimit[r] = rates[2][r] / limit[r];
        if (withPeer) {
          vsPeer[r] = rates[2][r] / rates[3][r];
        }
      }
      return new Rounds(limit, vsLimit, vsPeer);
    }
  }

  static Harness.Workload sign(Provider p, int threads) throws Exception {
    KeyPair keys = p256(p);
    byte[] message = message();
    return new Harness.Workload("sign", threads, t -> {
      Signature s = newSignature(p);
      return () -> {
        s.initSign(keys.getPrivate());
        s.update(message);
        return s.sign();
      };
    });
  }

  /** Verification with a fresh key each time: decode the SPKI, verify. */
  static Harness.Workload verify(Provider p, int threads) throws Exception {
    byte[] message = message();
    byte[][] spki = new byte[VERIFY_KEYS][];
    byte[][] sig = new byte[VERIFY_KEYS][];
    for (int i = 0; i < VERIFY_KEYS; i++) {
      KeyPair keys = p256(p);
      spki[i] = keys.getPublic().getEncoded();
      Signature s = newSignature(p);
      s.initSign(keys.getPrivate());
      s.update(message);
      sig[i] = s.sign();
    }
    return new Harness.Workload("verify", threads, t -> {
      Signature s = newSignature(p);
      KeyFactory kf = keyFactory(p);
      int[] next = {t * 97};
      return () -> {
        int i = next[0]++ % VERIFY_KEYS;
        PublicKey key = kf.generatePublic(new X509EncodedKeySpec(spki[i]));
        s.initVerify(key);
        s.update(message);
        if (!s.verify(sig[i])) {
          throw new IllegalStateException("signature did not verify");
        }
        return key;
      };
    });
  }

  /** Verification with one key object, over and over (its precomputation cached): context only. */
  static Harness.Workload verifyCachedKey(Provider p, int threads) throws Exception {
    KeyPair keys = p256(p);
    byte[] message = message();
    Signature signer = newSignature(p);
    signer.initSign(keys.getPrivate());
    signer.update(message);
    byte[] sig = signer.sign();
    return new Harness.Workload("verify-cached-key", threads, t -> {
      Signature s = newSignature(p);
      return () -> {
        s.initVerify(keys.getPublic());
        s.update(message);
        if (!s.verify(sig)) {
          throw new IllegalStateException("signature did not verify");
        }
        return sig;
      };
    });
  }

  private static Signature newSignature(Provider p) {
    try {
      return Signature.getInstance("SHA256withECDSA", p);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyFactory keyFactory(Provider p) {
    try {
      return KeyFactory.getInstance("EC", p);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
