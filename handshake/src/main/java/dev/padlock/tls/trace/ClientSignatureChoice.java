package dev.padlock.tls.trace;

import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;

/**
 * Which signature scheme our CertificateVerify uses: the first one our key can make that the
 * server's CertificateRequest lists (RFC 8446 section 4.4.3; RFC 5246 section 7.4.8). TLS 1.3 allows
 * no PKCS#1 v1.5 signatures there, and binds ECDSA to its curve.
 */
final class ClientSignatureChoice {
  // In TLS 1.3 these code points name ecdsa_secp256r1_sha256 etc.: the curve goes with the hash.
  private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
  private static final SignatureAndHashAlgorithm ECDSA_SHA384 =
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa);
  private static final SignatureAndHashAlgorithm ECDSA_SHA512 =
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa);

  private ClientSignatureChoice() {}

  static Optional<SignatureAndHashAlgorithm> choose(PrivateKey key, Vector<?> offered,
      boolean tls13) {
    if (offered == null) {
      return Optional.empty();
    }
    for (SignatureAndHashAlgorithm candidate : candidates(key, tls13)) {
      if (offered.contains(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static List<SignatureAndHashAlgorithm> candidates(PrivateKey key, boolean tls13) {
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      SignatureAndHashAlgorithm bound = switch (bits) {
        case 256 -> ECDSA_SHA256;
        case 384 -> ECDSA_SHA384;
        case 521 -> ECDSA_SHA512;
        default -> null;
      };
      if (bound == null) {
        return List.of();
      }
      if (tls13) {
        return List.of(bound);
      }
      // TLS 1.2 lets any hash go with any curve; the curve's own hash first.
      return List.of(bound, ECDSA_SHA256,
          ECDSA_SHA384,
          ECDSA_SHA512);
    }
    if (key instanceof RSAKey) {
      List<SignatureAndHashAlgorithm> pss = List.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
          SignatureAndHashAlgorithm.rsa_pss_rsae_sha384, SignatureAndHashAlgorithm.rsa_pss_rsae_sha512);
      if (tls13) {
        return pss;
      }
      return List.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
          SignatureAndHashAlgorithm.rsa_pss_rsae_sha384, SignatureAndHashAlgorithm.rsa_pss_rsae_sha512,
          SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
          SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
    }
    if (key instanceof EdECKey ed) {
      return List.of("Ed448".equalsIgnoreCase(ed.getParams().getName())
          ? SignatureAndHashAlgorithm.ed448 : SignatureAndHashAlgorithm.ed25519);
    }
    return List.of();
  }
}
