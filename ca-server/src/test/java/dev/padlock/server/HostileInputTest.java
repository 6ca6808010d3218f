package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.RevocationReason;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and wrong input, each over the wire against the running server: every one gets a 4xx
 * {@code application/problem+json} with its stable type, no trace, and nothing is stored (no certificate,
 * no audit entry, no token spent).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  ServerFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new ServerFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  /** Prepares an attempt (tokens, certificates, clock) before the store is counted; the attempt then sends it. */
  interface Hostile {
    Attempt prepare(ServerFixture f) throws Exception;
  }

  interface Attempt {
    HttpResponse<String> send() throws Exception;
  }

  static String csrBase64(String cn, String... dns) throws Exception {
    return Base64.getEncoder().encodeToString(Csrs.csr(Csrs.ecKey(), cn, dns).getEncoded());
  }

  static HttpRequest est(ServerFixture f, String op, String token, String contentType, String body) {
    HttpRequest.Builder b = ServerFixture.request(f.https("/.well-known/est/" + op))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("device:" + token).getBytes()));
    }
    return b.build();
  }

  static Arguments c(String name, int status, ErrorCode code, Hostile hostile) {
    return Arguments.of(name, status, code, hostile);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c("refused: malformed base64", 400, ErrorCode.MALFORMED_INPUT, f -> {
          String token = f.token("device", "h-1");
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", "!!!not*base64###"));
        }),
        c("refused: a body that is not a CSR", 400, ErrorCode.MALFORMED_CSR, f -> {
          String token = f.token("device", "h-2");
          String garbage = Base64.getEncoder().encodeToString("hello, I am not a CSR".getBytes());
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", garbage));
        }),
        c("refused: oversized body", 413, ErrorCode.BODY_TOO_LARGE, f -> {
          String token = f.token("device", "h-3");
          String big = "A".repeat(70 * 1024);
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", big));
        }),
        c("refused: wrong content type", 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, f -> {
          String token = f.token("device", "h-4");
          String csr = csrBase64("h-4");
          return () -> f.send(null, est(f, "simpleenroll", token, "text/plain", csr));
        }),
        c("refused: csr with a cn outside its token", 403, ErrorCode.NAME_NOT_ALLOWED, f -> {
          String token = f.token("device", "h-5");
          String csr = csrBase64("someone-else");
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", csr));
        }),
        c("refused: csr with a san outside its token", 403, ErrorCode.NAME_NOT_ALLOWED, f -> {
          String token = f.token("device", "h-6", "dns:h-6.devices.internal");
          String csr = csrBase64("h-6", "h-6.devices.internal", "bank.example.com");
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", csr));
        }),
        c("refused: expired token", 401, ErrorCode.UNAUTHORIZED, f -> {
          String token = f.token("device", "h-7", Duration.ofMinutes(5));
          String csr = csrBase64("h-7");
          f.clock.advance(Duration.ofMinutes(6));
          return () -> f.send(null, est(f, "simpleenroll", token, "application/pkcs10", csr));
        }),
        c("refused: unknown token", 401, ErrorCode.UNAUTHORIZED, f -> {
          String csr = csrBase64("h-8");
          return () -> f.send(null, est(f, "simpleenroll", "pdl_not-a-token", "application/pkcs10", csr));
        }),
        c("refused: re-enrollment with a revoked certificate", 403, ErrorCode.FORBIDDEN, f -> {
          ServerFixture.Identity holder = f.issueClient("h-9");
          f.ca.revoke(holder.certificate().getSerialNumber().toString(16), RevocationReason.KEY_COMPROMISE, "test");
          String csr = csrBase64("h-9");
          return () -> f.send(holder, est(f, "simplereenroll", null, "application/pkcs10", csr));
        }),
        c("refused: admin call without a client certificate", 401, ErrorCode.UNAUTHORIZED,
            f -> () -> f.send(null, ServerFixture.request(f.https("/api/v1/certificates")).GET().build())),
        c("refused: admin call with a certificate that is not the admin's", 403, ErrorCode.FORBIDDEN, f -> {
          ServerFixture.Identity someone = f.issueClient("h-10");
          return () -> f.send(someone, ServerFixture.request(f.https("/api/v1/tokens"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"profile\":\"device\",\"cn\":\"evil\"}")).build());
        }),
        c("refused: revoking someone else's certificate", 403, ErrorCode.FORBIDDEN, f -> {
          ServerFixture.Identity mallory = f.issueClient("h-11");
          ServerFixture.Identity alice = f.issueClient("h-12");
          String serial = alice.certificate().getSerialNumber().toString(16);
          return () -> f.send(mallory, ServerFixture.request(f.https("/api/v1/certificates/" + serial + "/revoke"))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        }),
        c("refused: api enroll with malformed json", 400, ErrorCode.MALFORMED_INPUT, f -> {
          String token = f.token("device", "h-13");
          return () -> f.send(null, ServerFixture.request(f.https("/api/v1/enroll"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + token + "\", \"csr\": ")).build());
        }),
        c("refused: api enroll with a pem that is not a csr", 400, ErrorCode.MALFORMED_CSR, f -> {
          String token = f.token("device", "h-14");
          String notCsr = Pem.certificate(f.ca.rootCertificate()).replace("\n", "\\n");
          return () -> f.send(null, ServerFixture.request(f.https("/api/v1/enroll"))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                  "{\"token\": \"" + token + "\", \"csr\": \"" + notCsr + "\"}")).build());
        }),
        c("refused: unknown est label", 404, ErrorCode.NOT_FOUND, f -> {
          String token = f.token("device", "h-15");
          String csr = csrBase64("h-15");
          return () -> f.send(null, est(f, "admin/simpleenroll", token, "application/pkcs10", csr));
        }),
        c("refused: serial that is not a number", 400, ErrorCode.INVALID_SERIAL,
            f -> () -> f.send(null, ServerFixture.request(f.https("/api/v1/certificates/zz-top")).GET().build())),
        c("refused: ocsp with a wrong content type", 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f -> () -> f.send(null, ServerFixture.request(f.http("/ocsp")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build())),
        c("refused: the api on the plain-http listener", 404, ErrorCode.NOT_FOUND,
            f -> () -> f.send(null, ServerFixture.request(f.http("/api/v1/health")).GET().build())),
        c("refused: est on the plain-http listener", 404, ErrorCode.NOT_FOUND,
            f -> () -> f.send(null, ServerFixture.request(f.http("/.well-known/est/cacerts")).GET().build()))
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAProblemAndStoresNothing(String name, int status, ErrorCode code, Hostile hostile)
      throws Exception {
    Instant clockBefore = f.clock.instant();
    try {
      Attempt attempt = hostile.prepare(f);
      int certificates = f.certificateCount();
      long audit = f.auditEntries();

      HttpResponse<String> r = attempt.send();

      assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.body()).contains("\"type\":\"" + code.typeUri() + "\"").contains("\"status\":" + status)
          .contains("\"detail\":\"").doesNotContain("Exception").doesNotContain("at dev.padlock");
      assertThat(f.certificateCount()).as("certificates stored").isEqualTo(certificates);
      assertThat(f.auditEntries()).as("audit entries").isEqualTo(audit);
    } finally {
      f.clock.set(clockBefore);
    }
  }
}
