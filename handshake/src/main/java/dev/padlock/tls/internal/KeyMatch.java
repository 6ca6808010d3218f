package dev.padlock.tls.internal;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;

/** Does a private key belong to a public key? Proven by signing and verifying a random message. */
public final class KeyMatch {
  private KeyMatch() {}

  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (privateKey instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey pub) {
      return rsa.getModulus().equals(pub.getModulus())
          && rsa.getPublicExponent().equals(pub.getPublicExponent());
    }
    String alg = switch (publicKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "Ed448", "EdDSA" -> publicKey.getAlgorithm();
      default -> null;
    };
    if (alg == null) {
      return false;
    }
    try {
      byte[] message = new byte[32];
      new SecureRandom().nextBytes(message);
      Signature s = Signature.getInstance(alg);
      s.initSign(privateKey);
      s.update(message);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(publicKey);
      v.update(message);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
