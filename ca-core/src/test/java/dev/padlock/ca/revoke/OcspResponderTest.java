package dev.padlock.ca.revoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.testing.MutableClock;
import dev.padlock.ca.testing.Openssl;
import dev.padlock.ca.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCSP responder without a server: requests made and responses judged by openssl. */
class OcspResponderTest {
  @TempDir Path tmp;
  MutableClock clock;
  CertificateAuthority ca;
  Path dir;

  @BeforeEach
  void open() {
    clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    dir = tmp.resolve("ca");
    TestCa.init(dir, clock);
    ca = TestCa.open(dir, clock);
  }

  @AfterEach
  void close() {
    ca.close();
  }

  private Path leaf(String cn) throws Exception {
    IssuedCertificate issued = ca.issue(IssueRequest.builder("client").commonName(cn).build());
    Path file = tmp.resolve(cn + ".pem");
    Files.writeString(file, Pem.certificate(issued.certificate()));
    return file;
  }

  private String ask(OcspResponder responder, Path cert, boolean nonce) throws Exception {
    Openssl.run(tmp, "ocsp", "-issuer", dir.resolve("issuing.pem").toString(), "-cert", cert.toString(),
        "-reqout", "req.der", nonce ? "-nonce" : "-no_nonce").assertOk();
    Files.write(tmp.resolve("resp.der"), responder.respond(Files.readAllBytes(tmp.resolve("req.der"))));
    Files.writeString(tmp.resolve("trust.pem"), Files.readString(dir.resolve("root.pem"))
        + Files.readString(dir.resolve("issuing.pem")));
    // -reqin: openssl checks the response's nonce against the request's
    return Openssl.run(tmp, "ocsp", "-reqin", "req.der", "-respin", "resp.der", "-CAfile", "trust.pem",
        "-attime", Long.toString(clock.instant().getEpochSecond()), "-resp_text").output(); // as of the CA's clock
  }

  @Test
  void answersFromTheStoreSignedByTheIssuingCa() throws Exception {
    Path cert = leaf("a");
    OcspResponder responder = ca.ocspResponder();
    assertThat(ask(responder, cert, true)).contains("Response verify OK").contains("Cert Status: good");
    ca.revoke(new SerialNumber(Pem.readCertificate(Files.readAllBytes(cert), "a").getSerialNumber()).hex(),
        RevocationReason.CESSATION_OF_OPERATION, "test");
    assertThat(ask(responder, cert, true)).contains("Response verify OK").contains("Cert Status: revoked")
        .contains("Revocation Reason: cessationOfOperation");
  }

  @Test
  void aDelegatedResponderWithEkuOcspSigningIsAccepted() throws Exception {
    Path cert = leaf("b");
    X509CertificateHolder issuing = ca.issuingCertificate();
    SoftwareCaSigner issuingSigner = new SoftwareCaSigner(issuing,
        EncryptedKeyFile.read(dir.resolve("issuing.key"), TestCa.PASSPHRASE.toCharArray()));
    KeyPair responderKey = KeyAlgorithm.EC_P256.generate(new SecureRandom());
    Instant now = clock.instant();
    X509CertificateHolder responderCert = CertificateTemplate.leaf(issuing, SerialNumber.random(new SecureRandom()),
        new X500Name("CN=Test OCSP Responder"), SubjectPublicKeyInfo.getInstance(responderKey.getPublic().getEncoded()),
        false, now.minusSeconds(60), now.plus(Duration.ofDays(7)), KeyPurposeId.id_kp_OCSPSigning, List.of(),
        Optional.empty()).sign(issuingSigner);
    OcspResponder delegated = ca.ocspResponder(new SoftwareCaSigner(responderCert, responderKey.getPrivate()));
    String out = ask(delegated, cert, true);
    assertThat(out).contains("Response verify OK").contains("Cert Status: good").contains("Test OCSP Responder");
  }

  @Test
  void aDelegatedResponderFromTheConfigIsIssuedStoredAndRenewed() throws Exception {
    ca.close();
    Path conf = dir.resolve("padlock.conf");
    Files.writeString(conf, Files.readString(conf).replace("ocsp.signer=issuing", "ocsp.signer=delegated")
        .replace("ocsp.delegated.validity=7d", "ocsp.delegated.validity=3d"));
    ca = TestCa.open(dir, clock);
    Path cert = leaf("c");
    OcspResponder responder = ca.ocspResponder();

    String first = ask(responder, cert, true);
    assertThat(first).contains("Response verify OK").contains("Cert Status: good")
        .contains("CN=Test Issuing CA OCSP Responder").contains("OCSP Signing").contains("OCSP No Check");
    List<CertificateRecord> responders = responders();
    assertThat(responders).hasSize(1);
    assertThat(Duration.between(responders.get(0).notBefore(), responders.get(0).notAfter()))
        .isEqualTo(Duration.ofDays(3).plusMinutes(1));
    assertThat(ca.verifyAudit().intact()).isTrue();

    clock.advance(Duration.ofDays(1)); // two thirds of its life are left: the same responder answers
    assertThat(ask(responder, cert, false)).contains("Response verify OK");
    assertThat(responders()).hasSize(1);

    clock.advance(Duration.ofDays(1)); // a third left: the next answer comes from a new responder
    ca.revoke(new SerialNumber(Pem.readCertificate(Files.readAllBytes(cert), "c").getSerialNumber()).hex(),
        RevocationReason.KEY_COMPROMISE, "test");
    String renewed = ask(responder, cert, true);
    assertThat(renewed).contains("Response verify OK").contains("Cert Status: revoked");
    List<CertificateRecord> now = responders();
    assertThat(now).hasSize(2);
    String newSerial = now.stream().map(r -> r.serial()).filter(s -> !s.equals(responders.get(0).serial()))
        .findFirst().orElseThrow().hex();
    assertThat(renewed.replaceAll("[:\\s]", "").toLowerCase(java.util.Locale.ROOT))
        .contains(newSerial.toLowerCase(java.util.Locale.ROOT)); // the new responder signed it
  }

  private List<CertificateRecord> responders() {
    return ca.list(new CertificateQuery(Optional.empty(), Optional.of(OcspDelegate.PROFILE), Optional.empty(),
        Optional.empty(), clock.instant(), 10));
  }

  @Test
  void garbageIsAMalformedRequest() throws Exception {
    byte[] resp = ca.ocspResponder().respond(new byte[] {0x30, 0x03, 0x02, 0x01});
    assertThat(new OCSPResp(resp).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
  }

  private static SingleResp only(byte[] der) throws Exception {
    OCSPResp resp = new OCSPResp(der);
    assertThat(resp.getStatus()).isEqualTo(OCSPRespBuilder.SUCCESSFUL);
    SingleResp[] answers = ((BasicOCSPResp) resp.getResponseObject()).getResponses();
    assertThat(answers).hasSize(1);
    return answers[0];
  }

  @Test
  void issuerHashesOfEitherAlgorithmAreRecognizedRequestAfterRequest() throws Exception {
    IssuedCertificate issued = ca.issue(IssueRequest.builder("client").commonName("h").build());
    BigInteger serial = issued.certificate().getSerialNumber();
    OcspResponder responder = ca.ocspResponder();
    DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
    AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
    for (int round = 0; round < 2; round++) { // the second round answers from the cached issuer hashes
      for (AlgorithmIdentifier alg : List.of(CertificateID.HASH_SHA1, sha256)) {
        CertificateID id = new CertificateID(digests.get(alg), ca.issuingCertificate(), serial);
        assertThat(only(responder.respond(new OCSPReqBuilder().addRequest(id).build().getEncoded())).getCertStatus())
            .as("%s, round %d", alg.getAlgorithm(), round).isEqualTo(CertificateStatus.GOOD);
      }
    }
    // Right serial, another issuer's hashes: not ours.
    CertificateID foreign = new CertificateID(new CertID(CertificateID.HASH_SHA1,
        new DEROctetString(new byte[20]), new DEROctetString(new byte[20]), new ASN1Integer(serial)));
    assertThat(only(responder.respond(new OCSPReqBuilder().addRequest(foreign).build().getEncoded())).getCertStatus())
        .isInstanceOf(UnknownStatus.class);
  }

  @Test
  void aHashAlgorithmTheResponderDoesNotKnowIsUnknownNotAnError() throws Exception {
    IssuedCertificate issued = ca.issue(IssueRequest.builder("client").commonName("u").build());
    CertificateID odd = new CertificateID(new CertID(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4.5")),
        new DEROctetString(new byte[20]), new DEROctetString(new byte[20]),
        new ASN1Integer(issued.certificate().getSerialNumber())));
    byte[] request = new OCSPReqBuilder().addRequest(odd).build().getEncoded();
    assertThat(only(ca.ocspResponder().respond(request)).getCertStatus()).isInstanceOf(UnknownStatus.class);
  }
}
