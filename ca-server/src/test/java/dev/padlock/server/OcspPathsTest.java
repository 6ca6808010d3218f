package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.server.api.OcspHandler;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OCSP's POST form has two paths: {@link OcspHandler} on Jetty for the well-formed request, Jersey for
 * everything else. Which request takes which path, and that both answer alike, good requests and bad.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OcspPathsTest {
  private static final int MAX_BODY = 2_048;
  private static final Pattern HTTP_COUNT =
      Pattern.compile("padlock_request_duration_seconds_count\\{listener=\"http\"\\} (\\d+)");

  ServerFixture f;
  HttpClient client;
  BigInteger good;
  BigInteger revoked;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new ServerFixture(tmp, MAX_BODY);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    good = f.issueClient("ocsp-good").certificate().getSerialNumber();
    revoked = f.issueClient("ocsp-revoked").certificate().getSerialNumber();
    f.ca.revoke(new SerialNumber(revoked).hex(), RevocationReason.KEY_COMPROMISE, "test");
  }

  @AfterAll
  void stop() {
    f.close();
  }

  // ------------------------------------------------------------------------------------- which path

  /** A request, and whether the handler (rather than what comes after it) answers it. */
  static Stream<Arguments> routes() {
    return Stream.of(
        Arguments.of("handled: POST /ocsp with a Content-Length", "POST", "/ocsp", "application/ocsp-request", false,
            100, true),
        Arguments.of("handled: media type in another case, with a parameter", "POST", "/ocsp",
            "Application/OCSP-Request; q=1", false, 100, true),
        Arguments.of("handled: an empty body (answered malformedRequest)", "POST", "/ocsp", "application/ocsp-request",
            false, 0, true),
        Arguments.of("passed on: chunked", "POST", "/ocsp", "application/ocsp-request", true, 100, false),
        Arguments.of("passed on: a body over the limit", "POST", "/ocsp", "application/ocsp-request", false,
            MAX_BODY + 1, false),
        Arguments.of("passed on: another media type", "POST", "/ocsp", "text/plain", false, 100, false),
        Arguments.of("passed on: no media type", "POST", "/ocsp", null, false, 100, false),
        Arguments.of("passed on: another path", "POST", "/ocsp/x", "application/ocsp-request", false, 100, false),
        Arguments.of("passed on: PUT", "PUT", "/ocsp", "application/ocsp-request", false, 100, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void theHandlerTakesOnlyTheWellFormedPost(String name, String method, String path, String type, boolean chunked,
      int bodyBytes, boolean handled) throws Exception {
    Handler next = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(299);
        Content.Sink.write(response, true, "next", callback);
        return true;
      }
    };
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new OcspHandler(f.ca.ocspResponder(), new Metrics(), "http", MAX_BODY, next));
    jetty.start();
    try {
      byte[] body = new byte[bodyBytes];
      HttpRequest.Builder r = ServerFixture.request("http://127.0.0.1:" + connector.getLocalPort() + path)
          .method(method, chunked
              ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
              : HttpRequest.BodyPublishers.ofByteArray(body));
      if (type != null) {
        r.header("Content-Type", type);
      }
      HttpResponse<byte[]> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (handled) {
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        assertThat(new OCSPResp(resp.body()).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
      } else {
        assertThat(resp.statusCode()).isEqualTo(299);
        assertThat(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo("next");
      }
    } finally {
      jetty.stop();
    }
  }

  // ------------------------------------------------------------------------------- the same answers

  private byte[] request(boolean nonce, BigInteger... serials) throws Exception {
    OCSPReqBuilder b = new OCSPReqBuilder();
    for (BigInteger serial : serials) {
      b.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
          f.ca.issuingCertificate(), serial));
    }
    if (nonce) {
      byte[] n = new byte[16];
      new SecureRandom().nextBytes(n);
      b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new DEROctetString(new DEROctetString(n).getEncoded()))));
    }
    return b.build().getEncoded();
  }

  /** The same bytes, POSTed with a Content-Length (the handler's path) and chunked (Jersey's path). */
  private List<HttpResponse<byte[]>> bothPaths(byte[] body) throws Exception {
    HttpRequest handler = ServerFixture.request(f.http("/ocsp")).header("Content-Type", "application/ocsp-request")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpRequest jersey = ServerFixture.request(f.http("/ocsp")).header("Content-Type", "application/ocsp-request")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
    return List.of(client.send(handler, HttpResponse.BodyHandlers.ofByteArray()),
        client.send(jersey, HttpResponse.BodyHandlers.ofByteArray()));
  }

  private void assertSameHttp(List<HttpResponse<byte[]>> both) {
    for (HttpResponse<byte[]> r : both) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("max-age=0, no-cache");
      assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().length));
    }
  }

  static Stream<Arguments> signedAnswers() {
    return Stream.of(Arguments.of("good, with a nonce", "good", true), Arguments.of("revoked, no nonce", "revoked", false),
        Arguments.of("unknown serial, with a nonce", "unknown", true), Arguments.of("all three in one request", "all", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedAnswers")
  void bothPathsSignTheSameAnswer(String name, String which, boolean nonce) throws Exception {
    BigInteger[] serials = switch (which) {
      case "good" -> new BigInteger[] {good};
      case "revoked" -> new BigInteger[] {revoked};
      case "unknown" -> new BigInteger[] {BigInteger.valueOf(0x5eed)};
      default -> new BigInteger[] {good, revoked, BigInteger.valueOf(0x5eed)};
    };
    List<HttpResponse<byte[]>> both = bothPaths(request(nonce, serials));
    assertSameHttp(both);
    X509CertificateHolder issuing = f.ca.issuingCertificate();
    BasicOCSPResp viaHandler = basic(both.get(0).body(), issuing);
    BasicOCSPResp viaJersey = basic(both.get(1).body(), issuing);
    // The clock is fixed: everything signed (statuses, times, nonce, responder id) is byte for byte the same.
    assertThat(viaHandler.getTBSResponseData()).isEqualTo(viaJersey.getTBSResponseData());
    assertThat(viaHandler.getResponses()).hasSize(serials.length);
    assertThat(viaHandler.getResponses()[0].getCertStatus()).satisfies(s -> {
      switch (which) {
        case "revoked" -> assertThat(s).isInstanceOf(RevokedStatus.class);
        case "unknown" -> assertThat(s).isInstanceOf(UnknownStatus.class);
        default -> assertThat(s).isNull(); // good
      }
    });
    assertThat(viaHandler.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce) != null).isEqualTo(nonce);
  }

  private static BasicOCSPResp basic(byte[] der, X509CertificateHolder issuing) throws Exception {
    OCSPResp resp = new OCSPResp(der);
    assertThat(resp.getStatus()).isEqualTo(OCSPRespBuilder.SUCCESSFUL);
    BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
    assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuing))).isTrue();
    return basic;
  }

  static Stream<Arguments> badRequests() throws Exception {
    return Stream.of(
        Arguments.of("refused: empty body", new byte[0]),
        Arguments.of("refused: not DER", "GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII)),
        Arguments.of("refused: a truncated SEQUENCE", new byte[] {0x30, 0x7f, 0x30, 0x03}),
        Arguments.of("refused: DER that is not an OCSPRequest", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void bothPathsRefuseBadInputInOcspTermsAndAlike(String name, byte[] body) throws Exception {
    List<HttpResponse<byte[]>> both = bothPaths(body);
    assertSameHttp(both);
    assertThat(both.get(0).body()).isEqualTo(both.get(1).body());
    assertThat(new OCSPResp(both.get(0).body()).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
  }

  @Test
  void tooManyCertificatesInOneRequestAreRefusedAlikeOnBothPaths() throws Exception {
    BigInteger[] many = new BigInteger[17];
    java.util.Arrays.fill(many, good);
    List<HttpResponse<byte[]>> both = bothPaths(request(true, many));
    assertSameHttp(both);
    assertThat(both.get(0).body()).isEqualTo(both.get(1).body());
    assertThat(new OCSPResp(both.get(0).body()).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
  }

  @Test
  void anOversizedBodyIsStillAProblemDocument() throws Exception {
    HttpResponse<String> r = client.send(ServerFixture.request(f.http("/ocsp"))
        .header("Content-Type", "application/ocsp-request")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY + 1])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("body-too-large");
  }

  @Test
  void bothPathsAreTimedIntoTheSameHistogram() throws Exception {
    long before = httpCount();
    bothPaths(request(true, good));
    assertThat(httpCount()).isEqualTo(before + 2);
  }

  private long httpCount() {
    Matcher m = HTTP_COUNT.matcher(f.server.metrics().scrape());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
