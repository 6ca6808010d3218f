package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** EST (RFC 7030) the way PEERS.md does it by hand: curl for HTTP, openssl for the objects, openssl verify as judge. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EstWithCurlAndOpensslTest {
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

  private Tools.Result sh(String script) {
    return Tools.sh(work, script.replace("PORT", Integer.toString(f.server.httpsPort()))
        .replace("ROOT", f.root.toString()).replace("ISSUING", f.issuing.toString()));
  }

  @Test
  void cacertsPrintsTheIssuingAndRootCertificates() {
    Tools.Result r = sh("curl -sS --fail --cacert ROOT https://localhost:PORT/.well-known/est/cacerts | base64 -d"
        + " | openssl pkcs7 -inform DER -print_certs");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("subject=O = Test, CN = Test Issuing CA").contains("subject=O = Test, CN = Test Root CA");
  }

  @Test
  void enrollsWithATokenAndTheResultPassesOpensslVerifyThenReenrollsWithIt() throws Exception {
    String token = f.token("device", "dev-curl", "dns:dev-curl.devices.internal");
    Tools.Result csr = sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d.key"
        + " -subj /CN=dev-curl -addext subjectAltName=DNS:dev-curl.devices.internal -outform DER | base64 -w0 > csr.b64");
    assertThat(csr.exit()).as(csr.output()).isZero();
    Tools.Result enroll = sh("curl -sS --fail --cacert ROOT -u any:" + token + " -H 'Content-Type: application/pkcs10'"
        + " -H 'Content-Transfer-Encoding: base64' --data-binary @csr.b64"
        + " https://localhost:PORT/.well-known/est/simpleenroll | base64 -d | openssl pkcs7 -inform DER -print_certs > d.pem");
    assertThat(enroll.exit()).as(enroll.output()).isZero();
    Tools.Result verify = sh("openssl verify -purpose sslclient -CAfile ROOT -untrusted ISSUING d.pem");
    assertThat(verify.output()).contains("d.pem: OK");
    Tools.Result text = sh("openssl x509 -in d.pem -noout -subject -ext subjectAltName");
    assertThat(text.output()).contains("CN = dev-curl").contains("DNS:dev-curl.devices.internal");

    // simplereenroll: the same POST, authenticated by the certificate just issued, with a new key
    Tools.Result reenroll = sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d2.key"
        + " -subj /CN=dev-curl -outform DER | base64 -w0 > csr2.b64 && curl -sS --fail --cacert ROOT"
        + " --cert d.pem --key d.key -H 'Content-Type: application/pkcs10' -H 'Content-Transfer-Encoding: base64'"
        + " --data-binary @csr2.b64 https://localhost:PORT/.well-known/est/simplereenroll | base64 -d"
        + " | openssl pkcs7 -inform DER -print_certs > d2.pem"
        + " && openssl verify -purpose sslclient -CAfile ROOT -untrusted ISSUING d2.pem"
        + " && openssl x509 -in d2.pem -noout -subject -ext subjectAltName");
    assertThat(reenroll.exit()).as(reenroll.output()).isZero();
    assertThat(reenroll.output()).contains("d2.pem: OK").contains("CN = dev-curl")
        .contains("DNS:dev-curl.devices.internal");
    assertThat(Files.readString(work.resolve("d2.pem"))).isNotEqualTo(Files.readString(work.resolve("d.pem")));
  }

  @Test
  void withoutATokenTheServerChallengesWithBasicRealmPadlock() {
    Tools.Result r = sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout x.key -subj /CN=x"
        + " -outform DER | base64 -w0 > x.b64 && curl -sS -i --cacert ROOT -H 'Content-Type: application/pkcs10'"
        + " --data-binary @x.b64 https://localhost:PORT/.well-known/est/simpleenroll");
    assertThat(r.output()).contains("HTTP/1.1 401").containsIgnoringCase("WWW-Authenticate: Basic realm=\"padlock\"");
  }

  @Test
  void csrattrsIsBase64Der() {
    Tools.Result r = sh("curl -sS --fail --cacert ROOT https://localhost:PORT/.well-known/est/csrattrs | base64 -d"
        + " | openssl asn1parse -inform DER");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("ecdsa-with-SHA256").contains("id-ecPublicKey").contains("prime256v1");
  }
}
