package dev.padlock.ca.sign;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.security.PrivateKey;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA key held in memory as a Bouncy Castle key object, converted once: handing BC a JDK key object
 * costs a conversion per signature.
 */
public final class SoftwareCaSigner implements CaSigner {
  private final X509CertificateHolder certificate;
  private final PrivateKey key;
  private final JcaContentSignerBuilder builder;

  /**
   * @throws PadlockException if the key does not belong to the certificate
   */
  public SoftwareCaSigner(X509CertificateHolder certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
    KeyAlgorithm type = KeyAlgorithm.of(certificate.getSubjectPublicKeyInfo());
    this.builder = new JcaContentSignerBuilder(type.signatureAlgorithm()).setProvider(BouncyCastle.provider());
    checkKeyMatches();
  }

  private void checkKeyMatches() {
    // Sign a probe and verify it with the certificate's public key: works for every key type.
    try {
      byte[] probe = "padlock key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      ContentSigner s = newContentSigner();
      s.getOutputStream().write(probe);
      byte[] sig = s.getSignature();
      var verifier = new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
          .setProvider(BouncyCastle.provider()).build(certificate.getSubjectPublicKeyInfo())
          .get(s.getAlgorithmIdentifier());
      verifier.getOutputStream().write(probe);
      if (!verifier.verify(sig)) {
        throw mismatch(null);
      }
    } catch (PadlockException e) {
      throw e;
    } catch (Exception e) {
      throw mismatch(e);
    }
  }

  private PadlockException mismatch(Exception cause) {
    return new PadlockException(ErrorCode.INVALID_CONFIG, "the CA key does not match the CA certificate "
        + certificate.getSubject(), cause);
  }

  @Override
  public X509CertificateHolder certificate() {
    return certificate;
  }

  @Override
  public ContentSigner newContentSigner() {
    try {
      return builder.build(key);
    } catch (OperatorCreationException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot create a signer for " + certificate.getSubject(), e);
    }
  }

}
