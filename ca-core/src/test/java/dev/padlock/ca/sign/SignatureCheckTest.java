package dev.padlock.ca.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignatureCheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  static Stream<Arguments> keyTypes() {
    return Stream.of(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P384, KeyAlgorithm.RSA_2048, KeyAlgorithm.ED25519)
        .map(k -> Arguments.of(k.label(), k));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void csrSignedByItsKeyVerifiesAndAnAlteredOneDoesNot(String label, KeyAlgorithm type) throws Exception {
    KeyPair kp = type.generate(RANDOM);
    PKCS10CertificationRequest csr = csr(kp, signer(type, kp));
    assertThat(SignatureCheck.of(csr.getSubjectPublicKeyInfo()).verifies(csr)).isTrue();

    byte[] der = csr.getEncoded();
    byte[] altered = der.clone();
    altered[der.length - 3] ^= 0x01; // inside the signature
    PKCS10CertificationRequest bad = new PKCS10CertificationRequest(altered);
    boolean verified;
    try {
      verified = SignatureCheck.of(bad.getSubjectPublicKeyInfo()).verifies(bad);
    } catch (PKCSException e) {
      verified = false; // a signature that no longer decodes is refused too
    }
    assertThat(verified).isFalse();
  }

  @Test
  void ecKeyWithAnAlgorithmThatIsNotEcdsaIsRefused() throws Exception {
    KeyPair kp = KeyAlgorithm.EC_P256.generate(RANDOM);
    ContentSigner ecdsa = signer(KeyAlgorithm.EC_P256, kp);
    ContentSigner claimsRsa = new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption);
      }

      @Override
      public OutputStream getOutputStream() {
        return ecdsa.getOutputStream();
      }

      @Override
      public byte[] getSignature() {
        return ecdsa.getSignature();
      }
    };
    PKCS10CertificationRequest csr = csr(kp, claimsRsa);
    assertThatThrownBy(() -> SignatureCheck.of(csr.getSubjectPublicKeyInfo()).verifies(csr))
        .isInstanceOf(PKCSException.class).hasRootCauseInstanceOf(OperatorCreationException.class);
  }

  @Test
  void csrSignedByAnotherKeyDoesNotVerify() throws Exception {
    KeyPair kp = KeyAlgorithm.EC_P256.generate(RANDOM);
    KeyPair other = KeyAlgorithm.EC_P256.generate(RANDOM);
    PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), kp.getPublic())
        .build(signer(KeyAlgorithm.EC_P256, other));
    assertThat(SignatureCheck.of(csr.getSubjectPublicKeyInfo()).verifies(csr)).isFalse();
  }

  private static PKCS10CertificationRequest csr(KeyPair kp, ContentSigner signer) {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=svc.example"), kp.getPublic()).build(signer);
  }

  private static ContentSigner signer(KeyAlgorithm type, KeyPair kp) throws OperatorCreationException {
    return new JcaContentSignerBuilder(type.signatureAlgorithm()).setProvider(BouncyCastle.provider())
        .build(kp.getPrivate());
  }
}
