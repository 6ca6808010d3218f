package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.pem.Pem;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.est.CACertsResponse;
import org.bouncycastle.est.CSRRequestResponse;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.bouncycastle.est.jcajce.JcaJceUtils;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** EST (RFC 7030) judged by Bouncy Castle's EST client, which nobody here wrote. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EstWithBouncyCastleClientTest {
  ServerFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    // BC's EST client names the "BC" provider in its trust manager: registered here, in the test JVM only.
    if (java.security.Security.getProvider("BC") == null) {
      java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    }
    f = new ServerFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private ESTService est(String label, KeyManager[] keyManagers) throws Exception {
    TrustAnchor anchor = new TrustAnchor(ServerFixture.jdk(f.ca.rootCertificate()), null);
    JsseESTServiceBuilder b = new JsseESTServiceBuilder("localhost:" + f.server.httpsPort(),
        JcaJceUtils.getCertPathTrustManager(Set.of(anchor), null));
    if (label != null) {
      b.withLabel(label);
    }
    if (keyManagers != null) {
      b.withKeyManagers(keyManagers);
    }
    return b.build();
  }

  private static org.bouncycastle.est.ESTAuth basic(String token) throws Exception {
    return new JcaHttpAuthBuilder("padlock", "device", token.toCharArray()).setNonceGenerator(new SecureRandom())
        .build();
  }

  private static KeyManager[] keyManagers(PrivateKey key, X509CertificateHolder cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", key, new char[0], new java.security.cert.Certificate[] {ServerFixture.jdk(cert)});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  private void assertChainsToRoot(X509CertificateHolder leaf) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    var path = cf.generateCertPath(List.of(ServerFixture.jdk(leaf), ServerFixture.jdk(f.ca.issuingCertificate())));
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ServerFixture.jdk(f.ca.rootCertificate()), null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(f.clock.instant()));
    CertPathValidator.getInstance("PKIX").validate(path, params);
  }

  @Test
  void cacertsGivesTheIssuingAndRootCertificates() throws Exception {
    CACertsResponse resp = est(null, null).getCACerts();
    X509CertificateHolder[] certs = ESTService.storeToArray(resp.getCertificateStore());
    assertThat(Arrays.asList(certs)).containsExactlyInAnyOrder(f.ca.issuingCertificate(), f.ca.rootCertificate());
  }

  @Test
  void enrollsWithATokenThenReenrollsOverMutualTlsWithWhatItGot() throws Exception {
    String token = f.token("device", "dev-1");
    KeyPair key = Csrs.ecKey();
    EnrollmentResponse first = est(null, null).simpleEnroll(false, Csrs.csr(key, "dev-1"), basic(token));
    X509CertificateHolder cert = ESTService.storeToArray(first.getStore())[0];
    assertThat(cert.getSubject().toString()).isEqualTo("CN=dev-1");
    assertThat(cert.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertChainsToRoot(cert);

    KeyPair newKey = Csrs.ecKey();
    EnrollmentResponse renewed = est(null, keyManagers(key.getPrivate(), cert))
        .simpleEnroll(true, Csrs.csr(newKey, "dev-1"), null);
    X509CertificateHolder next = ESTService.storeToArray(renewed.getStore())[0];
    assertThat(next.getSubject()).isEqualTo(cert.getSubject());
    assertThat(next.getSerialNumber()).isNotEqualTo(cert.getSerialNumber());
    assertThat(next.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(newKey.getPublic().getEncoded());
    assertThat(f.ca.find(next.getSerialNumber().toString(16)).requester()).isEqualTo("mtls:"
        + new dev.padlock.ca.SerialNumber(cert.getSerialNumber()).hex());
    assertChainsToRoot(next);
  }

  @Test
  void theSameTokenDoesNotEnrollTwice() throws Exception {
    String token = f.token("device", "dev-2");
    est(null, null).simpleEnroll(false, Csrs.csr(Csrs.ecKey(), "dev-2"), basic(token));
    assertThatThrownBy(() -> est(null, null).simpleEnroll(false, Csrs.csr(Csrs.ecKey(), "dev-2"), basic(token)))
        .isInstanceOfSatisfying(ESTException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
  }

  @Test
  void reenrollWithoutAClientCertificateIsRefused() {
    assertThatThrownBy(() -> est(null, null).simpleEnroll(true, Csrs.csr(Csrs.ecKey(), "dev-1"), null))
        .isInstanceOfSatisfying(ESTException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
  }

  @Test
  void csrattrsAsksForEcP256WithEcdsaSha256() throws Exception {
    CSRRequestResponse resp = est(null, null).getCSRAttributes();
    assertThat(resp.getAttributesResponse().hasRequirement(X9ObjectIdentifiers.ecdsa_with_SHA256)).isTrue();
    assertThat(resp.getAttributesResponse().hasRequirement(X9ObjectIdentifiers.id_ecPublicKey)).isTrue();
    assertThat(SECObjectIdentifiers.secp256r1).isNotNull();
  }

  @Test
  void serverkeygenReturnsAKeyThatMatchesItsCertificate() throws Exception {
    String token = f.token("device", "dev-3");
    EnrollmentResponse resp = est(null, null).simpleEnrollWithServersideCreation(Csrs.csr(Csrs.ecKey(), "dev-3"),
        basic(token));
    X509CertificateHolder cert = ESTService.storeToArray(resp.getStore())[0];
    assertThat(cert.getSubject().toString()).isEqualTo("CN=dev-3");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
        new PKCS8EncodedKeySpec(resp.getPrivateKeyInfo().getEncoded()));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(ServerFixture.jdk(cert).getPublicKey());
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
    assertChainsToRoot(cert);
  }

  @Test
  void theLabelSelectsTheProfile() throws Exception {
    String token = f.token("server", "api.internal");
    EnrollmentResponse resp = est("server", null).simpleEnroll(false, Csrs.csr(Csrs.ecKey(), "api.internal"),
        basic(token));
    X509CertificateHolder cert = ESTService.storeToArray(resp.getStore())[0];
    X509Certificate jdk = ServerFixture.jdk(cert);
    assertThat(jdk.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(f.ca.find(cert.getSerialNumber().toString(16)).profile()).isEqualTo("server");

    String deviceToken = f.token("device", "dev-4");
    assertThatThrownBy(() -> est("client", null).simpleEnroll(false, Csrs.csr(Csrs.ecKey(), "dev-4"),
        basic(deviceToken)))
        .isInstanceOfSatisfying(ESTException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
    assertThat(Pem.certificate(cert)).startsWith("-----BEGIN CERTIFICATE-----");
  }
}
