package dev.padlock.ca.sign;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The key types padlock knows: for CA keys, for keys it generates, and to classify the public key of a
 * CSR. Anything else (RSA under 2048 bits, other curves, DSA) is refused as {@link
 * ErrorCode#UNSUPPORTED_KEY}.
 */
public enum KeyAlgorithm {
  EC_P256("ec-p256", "SHA256withECDSA"),
  EC_P384("ec-p384", "SHA384withECDSA"),
  RSA_2048("rsa-2048", "SHA256withRSA"),
  RSA_3072("rsa-3072", "SHA256withRSA"),
  RSA_4096("rsa-4096", "SHA256withRSA"),
  ED25519("ed25519", "Ed25519");

  private final String label;
  private final String signatureAlgorithm;

  KeyAlgorithm(String label, String signatureAlgorithm) {
    this.label = label;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The name users type, e.g. {@code ec-p256}. */
  public String label() {
    return label;
  }

  /** The JCA signature algorithm a key of this type signs with. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  public boolean isRsa() {
    return this == RSA_2048 || this == RSA_3072 || this == RSA_4096;
  }

  public static KeyAlgorithm fromLabel(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (KeyAlgorithm k : values()) {
      if (k.label.equals(t)) {
        return k;
      }
    }
    throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
        "unknown key type '" + text + "': use one of " + labels());
  }

  public static String labels() {
    return Arrays.stream(values()).map(KeyAlgorithm::label).collect(Collectors.joining(", "));
  }

  /** Generates a fresh key pair of this type with Bouncy Castle. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g;
      switch (this) {
        case EC_P256, EC_P384 -> {
          g = KeyPairGenerator.getInstance("EC", BouncyCastle.provider());
          g.initialize(new ECGenParameterSpec(this == EC_P256 ? "P-256" : "P-384"), random);
        }
        case RSA_2048, RSA_3072, RSA_4096 -> {
          int bits = this == RSA_2048 ? 2048 : this == RSA_3072 ? 3072 : 4096;
          g = KeyPairGenerator.getInstance("RSA", BouncyCastle.provider());
          g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
        }
        case ED25519 -> g = KeyPairGenerator.getInstance("Ed25519", BouncyCastle.provider());
        default -> throw new IllegalStateException(name());
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot generate a " + label + " key", e);
    }
  }

  /**
   * Classifies a public key, e.g. from a CSR.
   *
   * @throws PadlockException {@link ErrorCode#UNSUPPORTED_KEY} for weak or unknown keys
   */
  public static KeyAlgorithm of(SubjectPublicKeyInfo spki) {
    ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
    if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      Object params = spki.getAlgorithm().getParameters();
      if (params instanceof ASN1ObjectIdentifier curve) {
        if (curve.equals(SECObjectIdentifiers.secp256r1)) {
          return EC_P256;
        }
        if (curve.equals(SECObjectIdentifiers.secp384r1)) {
          return EC_P384;
        }
        throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
            "unsupported elliptic curve " + curve.getId() + ": use P-256 or P-384");
      }
      throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
          "unsupported elliptic-curve key with explicit parameters: use a named curve, P-256 or P-384");
    }
    if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      int bits;
      try {
        BigInteger modulus = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus();
        bits = modulus.bitLength();
      } catch (Exception e) {
        throw new PadlockException(ErrorCode.UNSUPPORTED_KEY, "the RSA public key cannot be parsed", e);
      }
      if (bits < 2048) {
        throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
            "RSA key of " + bits + " bits is too weak: use at least 2048 bits, or EC P-256");
      }
      return switch (bits) {
        case 2048 -> RSA_2048;
        case 3072 -> RSA_3072;
        case 4096 -> RSA_4096;
        default -> throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
            "unsupported RSA key size " + bits + ": use 2048, 3072 or 4096 bits");
      };
    }
    if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
      return ED25519;
    }
    throw new PadlockException(ErrorCode.UNSUPPORTED_KEY,
        "unsupported key algorithm " + alg.getId() + ": use " + labels());
  }
}
