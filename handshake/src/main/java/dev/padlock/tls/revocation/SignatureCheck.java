package dev.padlock.tls.revocation;

import java.io.IOException;
import java.security.PublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Verifiers for signed revocation data (CRLs, OCSP responses) that check each signature once.
 *
 * <p>Bouncy Castle's JCA verifier ({@link JcaContentVerifierProviderBuilder}) hands back, for ECDSA, a
 * verifier that runs the check and then, in a {@code finally}, a second full verification on a raw
 * (NONEwithECDSA) signature whose answer it throws away (for PKCS#11 sessions). An EC key therefore goes
 * to Bouncy Castle's lightweight ECDSA verifier, which verifies once; other keys keep the JCA verifier.
 */
final class SignatureCheck {
  private SignatureCheck() {}

  static ContentVerifierProvider verifierFor(PublicKey key) throws OperatorCreationException {
    AsymmetricKeyParameter k = null;
    try {
      k = PublicKeyFactory.createKey(SubjectPublicKeyInfo.getInstance(key.getEncoded()));
    } catch (IOException | RuntimeException e) {
      // not a key Bouncy Castle decodes: the JCA's below
    }
    if (k instanceof ECPublicKeyParameters) {
      return new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(k);
    }
    return new JcaContentVerifierProviderBuilder().build(key);
  }
}
