package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.revoke.RevocationReason;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** OCSP (RFC 6960) and the CRL over plain HTTP, judged by openssl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OcspWithOpensslTest {
  ServerFixture f;
  Path work;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new ServerFixture(tmp);
    work = tmp;
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private String ocsp(String certFile, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("openssl", "ocsp", "-issuer", f.issuing.toString(), "-cert", certFile,
        "-url", f.http("/ocsp"), "-CAfile", f.trust.toString()));
    cmd.addAll(List.of(extra));
    return Tools.run(work, cmd.toArray(String[]::new)).output();
  }

  private String leaf(String cn) throws Exception {
    ServerFixture.Identity id = f.issueClient(cn);
    return id.write(work, cn)[0].toString();
  }

  private static String serialOf(String certFile) throws java.io.IOException {
    return new SerialNumber(dev.padlock.ca.pem.Pem.readCertificate(Files.readAllBytes(Path.of(certFile)), certFile)
        .getSerialNumber()).hex();
  }

  @Test
  void goodThenRevokedWithTheReasonAndTheNonceChecked() throws Exception {
    String cert = leaf("ocsp-a");
    String good = ocsp(cert);
    assertThat(good).contains("Response verify OK").contains(cert + ": good").doesNotContain("WARNING");

    f.ca.revoke(serialOf(cert), RevocationReason.KEY_COMPROMISE, "test");
    String revoked = ocsp(cert);
    assertThat(revoked).contains("Response verify OK").contains(cert + ": revoked").contains("Reason: keyCompromise")
        .contains("Revocation Time:").doesNotContain("WARNING");
  }

  @Test
  void anUnknownSerialIsUnknown() {
    String out = Tools.run(work, "openssl", "ocsp", "-issuer", f.issuing.toString(), "-serial", "0x0123456789ABCDEF",
        "-url", f.http("/ocsp"), "-CAfile", f.trust.toString()).output();
    assertThat(out).contains("Response verify OK").contains("0x0123456789ABCDEF: unknown");
  }

  @Test
  void theGetFormAnswersToo() throws Exception {
    String cert = leaf("ocsp-get");
    Tools.Result req = Tools.run(work, "openssl", "ocsp", "-issuer", f.issuing.toString(), "-cert", cert,
        "-reqout", "req.der", "-no_nonce");
    assertThat(req.exit()).as(req.output()).isZero();
    String b64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(work.resolve("req.der")));
    HttpResponse<byte[]> resp = f.client(null).send(ServerFixture.request(f.http("/ocsp/"
        + java.net.URLEncoder.encode(b64, java.nio.charset.StandardCharsets.US_ASCII))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
    Files.write(work.resolve("resp.der"), resp.body());
    String out = Tools.run(work, "openssl", "ocsp", "-respin", "resp.der", "-issuer", f.issuing.toString(),
        "-cert", cert, "-CAfile", f.trust.toString()).output();
    assertThat(out).contains("Response verify OK").contains(cert + ": good");
  }

  @Test
  void garbageGetsMalformedRequestInOcspTerms() throws Exception {
    HttpResponse<byte[]> resp = f.client(null).send(ServerFixture.request(f.http("/ocsp"))
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofString("garbage"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(new org.bouncycastle.cert.ocsp.OCSPResp(resp.body()).getStatus())
        .isEqualTo(org.bouncycastle.cert.ocsp.OCSPRespBuilder.MALFORMED_REQUEST);
  }

  @Test
  void aRevocationByAnotherProcessShowsInOcspAtOnceAndInTheCrlOverHttp() throws Exception {
    String cert = leaf("ocsp-other");
    assertThat(ocsp(cert)).contains(cert + ": good");
    String serial = serialOf(cert);

    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dh2.bindAddress=127.0.0.1", "-cp", classpath, RevokeElsewhere.class.getName(), f.dir.toString(), serial,
        "superseded").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();

    long start = System.nanoTime();
    String after = ocsp(cert);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(after).contains(cert + ": revoked").contains("Reason: superseded");
    assertThat(millis).as("first OCSP answer after the other process exited").isLessThan(1000);

    Tools.Result crl = Tools.sh(work, "curl -sS --fail " + f.http("/crl") + " | openssl crl -inform DER -noout -text"
        + " -CAfile " + f.issuing + " -verify");
    assertThat(crl.output()).contains("verify OK").contains("Serial Number: " + serial);
    System.out.println("OCSP showed another process's revocation in the first answer after it, " + millis + " ms");
  }
}
