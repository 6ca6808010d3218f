package dev.padlock.tls.trace;

import java.util.List;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;

/**
 * What the traced ClientHello offers: padlock's safe defaults (DESIGN.md), the same as its mTLS
 * clients. TLS 1.3 and 1.2 with AEAD suites only, ECDHE only in TLS 1.2; X25519, P-256 and P-384;
 * modern signature schemes (RFC 8446 section 4.2.3 less SHA-1 and DSA), PKCS#1 v1.5 kept for TLS 1.2
 * servers with RSA keys and for certificate signatures.
 */
final class ClientOffer {
  private static final int[] TLS13_SUITES = {
      CipherSuite.TLS_AES_128_GCM_SHA256,
      CipherSuite.TLS_AES_256_GCM_SHA384,
      CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
  };
  private static final int[] TLS12_SUITES = {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  };
  static final List<SignatureAndHashAlgorithm> SIGNATURE_ALGORITHMS = List.of(
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
      SignatureAndHashAlgorithm.ed25519,
      SignatureAndHashAlgorithm.ed448,
      SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
      SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
      SignatureAndHashAlgorithm.rsa_pss_rsae_sha512,
      SignatureAndHashAlgorithm.rsa_pss_pss_sha256,
      SignatureAndHashAlgorithm.rsa_pss_pss_sha384,
      SignatureAndHashAlgorithm.rsa_pss_pss_sha512,
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa),
      SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.rsa));
  static final List<Integer> GROUPS =
      List.of(NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1);


  private ClientOffer() {}

  static int[] cipherSuites(HandshakeTracer.Offer offer) {
    return switch (offer) {
      case TLS_1_3_AND_1_2 -> concat(TLS13_SUITES, TLS12_SUITES);
      case TLS_1_3_ONLY -> TLS13_SUITES.clone();
      case TLS_1_2_ONLY -> TLS12_SUITES.clone();
    };
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
