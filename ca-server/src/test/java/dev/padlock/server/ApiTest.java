package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.padlock.ca.pem.Pem;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API, the public objects, metrics and the HTTPS listener's TLS, over the wire. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
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

  private HttpResponse<String> post(ServerFixture.Identity who, String path, String json) {
    return f.send(who, ServerFixture.request(f.https(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private HttpResponse<String> get(ServerFixture.Identity who, String url) {
    return f.send(who, ServerFixture.request(url).GET().build());
  }

  private static String pemCsr(String cn, String... dns) throws Exception {
    return Pem.csr(Csrs.csr(Csrs.ecKey(), cn, dns)).replace("\n", "\\n");
  }

  @Test
  void anAdminCreatesATokenAndADeviceEnrollsWithItThroughTheJsonApi() throws Exception {
    HttpResponse<String> created = post(f.admin(), "/api/v1/tokens",
        "{\"profile\":\"device\",\"cn\":\"api-dev-1\",\"sans\":[\"dns:api-dev-1.devices.internal\"],\"ttl\":\"10m\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode token = JSON.readTree(created.body());
    assertThat(token.get("token").asText()).startsWith("pdl_");
    assertThat(token.get("expiresAt").asText()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(10)).toString());

    HttpResponse<String> enrolled = post(null, "/api/v1/enroll", "{\"token\":\"" + token.get("token").asText()
        + "\",\"csr\":\"" + pemCsr("api-dev-1", "api-dev-1.devices.internal") + "\"}");
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
    JsonNode body = JSON.readTree(enrolled.body());
    assertThat(body.at("/certificate/commonName").asText()).isEqualTo("api-dev-1");
    assertThat(body.at("/certificate/profile").asText()).isEqualTo("device");
    assertThat(body.at("/certificate/status").asText()).isEqualTo("valid");
    Files.writeString(work.resolve("api-chain.pem"), body.get("chain").asText());
    Tools.Result verify = Tools.run(work, "openssl", "verify", "-CAfile", f.root.toString(), "-untrusted",
        work.resolve("api-chain.pem").toString(), work.resolve("api-chain.pem").toString());
    assertThat(verify.output()).contains(": OK");

    String serial = body.at("/certificate/serial").asText();
    HttpResponse<String> found = get(null, f.https("/api/v1/certificates/" + serial));
    assertThat(JSON.readTree(found.body()).get("fingerprintSha256").asText())
        .isEqualTo(body.at("/certificate/fingerprintSha256").asText());
  }

  @Test
  void anAdminListsAndSearches() throws Exception {
    f.issueClient("findme-1");
    HttpResponse<String> r = get(f.admin(), f.https("/api/v1/certificates?q=findme&status=valid&limit=10"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode list = JSON.readTree(r.body());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("commonName").asText()).isEqualTo("findme-1");
  }

  @Test
  void aHolderRevokesItsOwnCertificateOverMutualTlsAndTheCrlShowsIt() throws Exception {
    ServerFixture.Identity holder = f.issueClient("holder-1");
    String serial = new dev.padlock.ca.SerialNumber(holder.certificate().getSerialNumber()).hex();
    HttpResponse<String> r = post(holder, "/api/v1/certificates/" + serial + "/revoke", "{\"reason\":\"keyCompromise\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("reason").asText()).isEqualTo("keyCompromise");
    assertThat(f.ca.find(serial).requester()).isEqualTo("cli");
    assertThat(f.ca.find(serial).revocation()).isPresent();

    HttpResponse<byte[]> crl = f.client(null).send(ServerFixture.request(f.https("/api/v1/crl")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
    Files.write(work.resolve("api.crl"), crl.body());
    Tools.Result text = Tools.run(work, "openssl", "crl", "-inform", "DER", "-in", "api.crl", "-noout", "-text",
        "-CAfile", f.issuing.toString(), "-verify");
    assertThat(text.output()).contains("verify OK").contains(serial);

    HttpResponse<String> again = post(holder, "/api/v1/certificates/" + serial + "/revoke", "{}");
    assertThat(again.statusCode()).isEqualTo(403);
    HttpResponse<String> byAdmin = post(f.admin(), "/api/v1/certificates/" + serial + "/revoke", "{}");
    assertThat(byAdmin.statusCode()).isEqualTo(409);
    assertThat(byAdmin.body()).contains("https://padlock.dev/problems/already-revoked");
  }

  @Test
  void publicObjectsHealthAndOpenapi() throws Exception {
    assertThat(get(null, f.https("/api/v1/ca/chain.pem")).body())
        .isEqualTo(Files.readString(f.dir.resolve("chain.pem")));
    assertThat(get(null, f.http("/ca/chain.pem")).body()).isEqualTo(Files.readString(f.dir.resolve("chain.pem")));
    assertThat(get(null, f.http("/crl.pem")).body()).startsWith("-----BEGIN X509 CRL-----");
    JsonNode health = JSON.readTree(get(null, f.https("/api/v1/health")).body());
    assertThat(health.get("status").asText()).isEqualTo("ok");
    JsonNode openapi = JSON.readTree(get(null, f.https("/api/v1/openapi.json")).body());
    assertThat(openapi.get("openapi").asText()).startsWith("3.");
    assertThat(openapi.get("paths").has("/enroll")).isTrue();
  }

  @Test
  void metricsCountIssuedRefusedAndLatency() throws Exception {
    String token = f.token("device", "metrics-1");
    post(null, "/api/v1/enroll", "{\"token\":\"" + token + "\",\"csr\":\"" + pemCsr("metrics-1") + "\"}");
    post(null, "/api/v1/enroll", "{\"token\":\"" + token + "\",\"csr\":\"" + pemCsr("metrics-1") + "\"}");
    String text = get(null, f.http("/metrics")).body();
    assertThat(text).contains("padlock_certificates_issued_total{profile=\"device\",via=\"api\"}")
        .contains("padlock_requests_refused_total{reason=\"unauthorized\"}")
        .contains("padlock_request_duration_seconds_count{listener=\"https\"}");
  }

  @Test
  void tlsOffersOnlyTls13And12WithAeadSuites() throws Exception {
    for (String[] old : new String[][] {{"TLSv1.1"}, {"TLSv1"}}) {
      javax.net.ssl.SSLContext ctx = f.sslContext(null);
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
          .createSocket("127.0.0.1", f.server.httpsPort())) {
        s.setEnabledProtocols(old);
        org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
      } catch (IllegalArgumentException | SSLHandshakeException e) {
        // the JDK itself may refuse to offer the old protocol: just as good
      }
    }
    Tools.Result cbc = Tools.run(work, "openssl", "s_client", "-connect", "127.0.0.1:" + f.server.httpsPort(),
        "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256", "-CAfile", f.root.toString());
    assertThat(cbc.exit()).as("a CBC suite is refused").isNotZero();
    Tools.Result tls13 = Tools.run(work, "openssl", "s_client", "-connect", "127.0.0.1:" + f.server.httpsPort(),
        "-tls1_3", "-CAfile", f.root.toString(), "-servername", "localhost");
    assertThat(tls13.output()).contains("Verify return code: 0 (ok)").contains("TLSv1.3");
    SSLParameters unused = new SSLParameters();
    assertThat(unused).isNotNull();
  }

  @Test
  void theServerCertificateIsRenewedWhenAThirdOfItsLifeIsLeft() throws Exception {
    var first = f.server.tlsCertificate();
    assertThat(f.server.renewTlsIfDue()).isFalse();
    java.time.Instant before = f.clock.instant();
    try {
      f.clock.advance(Duration.ofDays(21)); // 30-day certificate: due after 20 days
      assertThat(f.server.renewTlsIfDue()).isTrue();
      var second = f.server.tlsCertificate();
      assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
      // the listener serves the new one
      Tools.Result s = Tools.run(work, "bash", "-c", "openssl s_client -connect 127.0.0.1:" + f.server.httpsPort()
          + " -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -serial");
      assertThat(s.output().trim()).isEqualToIgnoringCase("serial=" + new dev.padlock.ca.SerialNumber(
          second.getSerialNumber()).hex());
      // and stores it for the next start
      assertThat(Files.readString(f.dir.resolve("server/tls.pem"))).startsWith(Pem.certificate(second));
    } finally {
      f.clock.set(before);
      f.server.renewTls(); // back to a certificate valid at the test clock's time, for the other tests
    }
  }

  @Test
  void estEnrollmentAlsoWorksWithTheHttpClient() throws Exception {
    String token = f.token("client", "jdk-client");
    String csr = Base64.getEncoder().encodeToString(Csrs.csr(Csrs.ecKey(), "jdk-client").getEncoded());
    HttpResponse<String> r = f.send(null, HostileInputTest.est(f, "client/simpleenroll", token, "application/pkcs10", csr));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/pkcs7-mime");
    assertThat(r.headers().firstValue("Content-Transfer-Encoding")).hasValue("base64");
  }
}
