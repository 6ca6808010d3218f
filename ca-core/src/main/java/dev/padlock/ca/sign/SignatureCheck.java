package dev.padlock.ca.sign;

import java.io.IOException;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks signatures made by one public key: a CSR's own (proof of possession) or a certificate's issuer.
 *
 * <p>EC keys go through Bouncy Castle's lightweight API. BC's JCA route ({@code
 * JcaContentVerifierProviderBuilder}) verifies an ECDSA signature twice: after the real check its {@code
 * RawSigVerifier} runs a second, raw verification in a {@code finally} (a workaround for PKCS#11 sessions),
 * so each check costs 1.9 verifications instead of 1.0. Other key types (RSA, Ed25519) keep the JCA route
 * with the BC provider, which is never registered globally. An instance holds the decoded key, so keeping
 * one for a key that signs often (the issuing CA's) also keeps BC's precomputation for its point.
 *
 * <p>Thread-safe: each check gets its own verifier.
 */
public final class SignatureCheck {
  /** ECDSA with SHA-1, SHA-2 and SHA-3 (RFC 5758, RFC 8692): what BC's JCA provider accepts for EC keys. */
  private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA1,
      X9ObjectIdentifiers.ecdsa_with_SHA224, X9ObjectIdentifiers.ecdsa_with_SHA256,
      X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
      NISTObjectIdentifiers.id_ecdsa_with_sha3_224, NISTObjectIdentifiers.id_ecdsa_with_sha3_256,
      NISTObjectIdentifiers.id_ecdsa_with_sha3_384, NISTObjectIdentifiers.id_ecdsa_with_sha3_512);
  private static final DefaultDigestAlgorithmIdentifierFinder DIGESTS = new DefaultDigestAlgorithmIdentifierFinder();

  private final ContentVerifierProvider provider;

  private SignatureCheck(ContentVerifierProvider provider) {
    this.provider = provider;
  }

  /**
   * A check of signatures by {@code key}.
   *
   * @throws OperatorCreationException if the key cannot be decoded (e.g. an EC point not on its curve)
   */
  public static SignatureCheck of(SubjectPublicKeyInfo key) throws OperatorCreationException {
    AsymmetricKeyParameter params;
    try {
      params = PublicKeyFactory.createKey(key);
    } catch (IOException | RuntimeException e) {
      throw new OperatorCreationException("cannot decode the public key: " + e.getMessage(), e);
    }
    if (params instanceof ECPublicKeyParameters) {
      return new SignatureCheck(ecdsaOnly(new BcECContentVerifierProviderBuilder(DIGESTS).build(params)));
    }
    return new SignatureCheck(new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.provider())
        .build(key));
  }

  /** BC's lightweight EC builder takes any algorithm's digest: refuse what is not ECDSA, as the JCA route does. */
  private static ContentVerifierProvider ecdsaOnly(ContentVerifierProvider ec) {
    return new ContentVerifierProvider() {
      @Override
      public boolean hasAssociatedCertificate() {
        return false;
      }

      @Override
      public X509CertificateHolder getAssociatedCertificate() {
        return null;
      }

      @Override
      public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        if (!ECDSA.contains(algorithm.getAlgorithm())) {
          throw new OperatorCreationException("signature algorithm " + algorithm.getAlgorithm()
              + " is not ECDSA, but the key is an EC key");
        }
        return ec.get(algorithm);
      }
    };
  }

  /** Whether the request is signed by this key (for proof of possession: the request's own key). */
  public boolean verifies(PKCS10CertificationRequest csr) throws PKCSException {
    return csr.isSignatureValid(provider);
  }

  /** Whether the certificate is signed by this key. */
  public boolean verifies(X509CertificateHolder cert) throws CertException {
    return cert.isSignatureValid(provider);
  }
}
