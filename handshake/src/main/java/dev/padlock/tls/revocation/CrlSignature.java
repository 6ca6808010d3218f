package dev.padlock.tls.revocation;

import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks a CRL's signature over its original to-be-signed bytes, with Bouncy Castle's verifiers, once
 * (see {@link SignatureCheck}).
 */
public final class CrlSignature {
  private CrlSignature() {}

  /** Whether the CRL was signed by the holder of this public key. */
  public static boolean verifies(ParsedCrl crl, PublicKey issuerKey) {
    if (crl.tbs() == null) {
      throw new IllegalStateException("to-be-signed bytes already dropped");
    }
    try {
      ContentVerifier v = SignatureCheck.verifierFor(issuerKey).get(crl.signatureAlgorithm());
      try (OutputStream out = v.getOutputStream()) {
        out.write(crl.tbs());
      }
      return v.verify(crl.signature());
    } catch (OperatorCreationException | IOException | RuntimeException e) {
      return false;
    }
  }
}
