package dev.padlock.tls.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.testing.TestPki;
import dev.padlock.tls.testing.Tool;
import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Phase;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Traces real handshakes over loopback against peers no one here wrote: {@code openssl s_server}
 * requiring a client certificate ({@code -Verify 1 -verify_return_error}), and {@code gnutls-serv}.
 */
class HandshakeTracerTest {
  private static final Direction C = Direction.CLIENT_TO_SERVER;
  private static final Direction S = Direction.SERVER_TO_CLIENT;

  @TempDir static Path dir;

  static TestPki.Ca root;
  static TestPki.Ca issuing;
  static TestPki.Leaf server;
  static Path rootPem;
  static Path issuingPem;
  static Path serverCert;
  static Path serverChain;
  static Path serverKey;
  static TrustBundle trust;
  static TlsIdentity client;

  @BeforeAll
  static void pki() throws IOException {
    root = TestPki.root("Trace Root").build();
    issuing = root.intermediate("Trace Issuing CA").build();
    server = issuing.leaf("server").dns("localhost").ip("127.0.0.1").serverAuth().build();
    TestPki.Leaf clientLeaf = issuing.leaf("client").clientAuth().build();
    rootPem = root.writePem(dir.resolve("root.pem"));
    issuingPem = issuing.writePem(dir.resolve("issuing.pem"));
    serverCert = server.writeCertPem(dir.resolve("server.pem"));
    serverChain = server.writeChainPem(dir.resolve("server-chain.pem"));
    serverKey = server.writeKeyPem(dir.resolve("server.key"));
    trust = TrustBundle.fromPem(rootPem);
    client = TlsIdentity.fromPem(clientLeaf.writeChainPem(dir.resolve("client.pem")),
        clientLeaf.writeKeyPem(dir.resolve("client.key")));
  }

  private static OpensslServer openssl(String... extra) {
    return OpensslServer.start(dir, serverCert, issuingPem, serverKey, rootPem, extra);
  }

  private static HandshakeTracer.Builder tracer() {
    return HandshakeTracer.builder().trust(trust).identity(client).serverName("localhost")
        .clock(new TickingClock(Instant.now()));
  }

  @Test
  void tls12TraceShowsEveryStepFromClientHelloToFinished() throws IOException {
    HandshakeTrace t;
    try (OpensslServer s = openssl("-tls1_2")) {
      t = tracer().offer(HandshakeTracer.Offer.TLS_1_2_ONLY).build().trace("127.0.0.1", s.port);
    }

    assertThat(t.outcome().completed()).as(t.outcome().summary()).isTrue();
    assertThat(t.handshakeSteps()).extracting(Step::direction, Step::message).containsExactly(
        tuple(C, "ClientHello"),
        tuple(S, "ServerHello"),
        tuple(S, "Certificate"),
        tuple(S, "ServerKeyExchange"),
        tuple(S, "CertificateRequest"),
        tuple(S, "ServerHelloDone"),
        tuple(C, "Certificate"),
        tuple(C, "ClientKeyExchange"),
        tuple(C, "CertificateVerify"),
        tuple(C, "ChangeCipherSpec"),
        tuple(C, "Finished"),
        tuple(S, "ChangeCipherSpec"),
        tuple(S, "Finished"));
    assertThat(t.roundTrips()).isEqualTo(2);

    // In clear until ChangeCipherSpec, each way; the Finished messages travel encrypted.
    assertThat(t.handshakeSteps()).filteredOn(Step::encrypted).extracting(Step::direction,
        Step::message).containsExactly(tuple(C, "Finished"), tuple(S, "Finished"));

    assertThat(field(t, C, "ClientHello", "versions")).isEqualTo("TLS 1.2");
    assertThat(field(t, C, "ClientHello", "server_name")).isEqualTo("localhost");
    assertThat(field(t, C, "ClientHello", "cipher_suites"))
        .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").doesNotContain("CBC", "TLS_AES_");
    assertThat(field(t, S, "ServerHello", "version")).isEqualTo("TLS 1.2");
    assertThat(field(t, S, "Certificate", "certificates"))
        .isEqualTo("CN=server,O=padlock tests, CN=Trace Issuing CA,O=padlock tests");
    assertThat(field(t, S, "ServerKeyExchange", "group")).isEqualTo("x25519");
    assertThat(field(t, S, "ServerKeyExchange", "signature_algorithm"))
        .isEqualTo("ecdsa_secp256r1_sha256");
    // openssl names the CAs of its -CAfile as acceptable issuers of our certificate.
    assertThat(field(t, S, "CertificateRequest", "certificate_authorities"))
        .isEqualTo("CN=Trace Root,O=padlock tests");
    assertThat(field(t, C, "Certificate", "certificates"))
        .isEqualTo("CN=client,O=padlock tests, CN=Trace Issuing CA,O=padlock tests");
    assertThat(field(t, C, "ClientKeyExchange", "public_key")).isEqualTo("32 bytes");
    assertThat(field(t, C, "CertificateVerify", "signature_algorithm"))
        .isEqualTo("ecdsa_secp256r1_sha256");
    assertThat(field(t, S, "Finished", "verify_data")).isEqualTo("12 bytes");

    assertThat(t.negotiated().version()).contains("TLS 1.2");
    assertThat(t.negotiated().cipherSuite()).contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(t.negotiated().group()).contains("x25519");
    assertThat(t.negotiated().clientCertificate()).contains("CN=client,O=padlock tests");
    assertThat(t.negotiated().extendedMasterSecret()).contains(true);
    assertThat(t.negotiated().sessionId()).hasValueSatisfying(id -> assertThat(id).hasSize(64));
    assertThat(t.verdict()).hasValueSatisfying(v -> assertThat(v.trusted()).isTrue());
    assertThat(t.serverChain()).extracting(HandshakeTrace.PeerCertificate::subject)
        .containsExactly("CN=server,O=padlock tests", "CN=Trace Issuing CA,O=padlock tests");
    assertOffsetsFollowTheWire(t);
    assertLadder(t);
    assertJsonCarriesTheTrace(t);
  }

  @Test
  void tls13TraceShowsTheOneRoundTripFlowWithItsEncryptedFlight() throws IOException {
    HandshakeTrace t;
    try (OpensslServer s = openssl("-tls1_3")) {
      t = tracer().build().trace("127.0.0.1", s.port);
    }

    assertThat(t.outcome().completed()).as(t.outcome().summary()).isTrue();
    // openssl sends a compatibility ChangeCipherSpec (RFC 8446 appendix D.4); so does our stack.
    assertThat(t.handshakeSteps()).extracting(Step::direction, Step::message).containsExactly(
        tuple(C, "ClientHello"),
        tuple(S, "ServerHello"),
        tuple(C, "ChangeCipherSpec"),
        tuple(S, "ChangeCipherSpec"),
        tuple(S, "EncryptedExtensions"),
        tuple(S, "CertificateRequest"),
        tuple(S, "Certificate"),
        tuple(S, "CertificateVerify"),
        tuple(S, "Finished"),
        tuple(C, "Certificate"),
        tuple(C, "CertificateVerify"),
        tuple(C, "Finished"));
    assertThat(t.roundTrips()).isEqualTo(1);

    // Everything after ServerHello but the compatibility records is encrypted on the wire.
    assertThat(t.handshakeSteps()).filteredOn(s -> !s.encrypted()).extracting(Step::message)
        .containsExactly("ClientHello", "ServerHello", "ChangeCipherSpec", "ChangeCipherSpec");
    assertThat(field(t, C, "ClientHello", "versions")).isEqualTo("TLS 1.3, TLS 1.2");
    assertThat(field(t, C, "ClientHello", "key_shares")).isEqualTo("x25519 (32 bytes)");
    assertThat(field(t, C, "ClientHello", "groups")).startsWith("x25519, secp256r1");
    assertThat(field(t, C, "ClientHello", "signature_algorithms"))
        .startsWith("ecdsa_secp256r1_sha256").doesNotContain("sha1");
    assertThat(field(t, S, "ServerHello", "version")).isEqualTo("TLS 1.3");
    assertThat(field(t, S, "ServerHello", "group")).isEqualTo("x25519");
    assertThat(field(t, S, "ServerHello", "cipher_suite")).isEqualTo("TLS_AES_128_GCM_SHA256");
    assertThat(field(t, S, "ChangeCipherSpec", "note")).contains("ignored");
    assertThat(field(t, S, "CertificateRequest", "certificate_authorities"))
        .isEqualTo("CN=Trace Root,O=padlock tests");
    assertThat(field(t, S, "CertificateVerify", "signature_algorithm"))
        .isEqualTo("ecdsa_secp256r1_sha256");
    assertThat(field(t, C, "Certificate", "certificates")).startsWith("CN=client,O=padlock tests");
    assertThat(field(t, S, "Finished", "verify_data")).isEqualTo("32 bytes");

    // After our Finished: our close_notify, openssl's session tickets, its close_notify.
    List<Step> after = t.steps().stream().filter(s -> s.phase() == Phase.AFTER_HANDSHAKE).toList();
    assertThat(after).extracting(Step::message).contains("NewSessionTicket").startsWith("Alert")
        .endsWith("Alert");
    assertThat(after).allMatch(Step::encrypted);
    assertThat(t.negotiated().serverSignature()).contains("ecdsa_secp256r1_sha256");
    assertThat(t.negotiated().extendedMasterSecret()).isEmpty();
    assertOffsetsFollowTheWire(t);
    assertLadder(t);
    assertJsonCarriesTheTrace(t);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = HandshakeTracer.Offer.class, names = {"TLS_1_2_ONLY", "TLS_1_3_ONLY"})
  void serverRefusingOurMissingCertificateShowsItsAlert(HandshakeTracer.Offer offer)
      throws IOException {
    HandshakeTrace t;
    try (OpensslServer s = openssl()) {
      t = HandshakeTracer.builder().trust(trust).offer(offer).build().trace("localhost", s.port);
    }

    assertThat(t.outcome().completed()).isFalse();
    assertThat(field(t, C, "Certificate", "certificates")).isEmpty();
    Step last = t.steps().get(t.steps().size() - 1);
    assertThat(last.direction()).isEqualTo(S);
    assertThat(last.message()).isEqualTo("Alert");
    if (offer == HandshakeTracer.Offer.TLS_1_3_ONLY) {
      // TLS 1.3: our side completes first; the refusal comes after our Finished.
      assertThat(t.outcome().summary()).isEqualTo(
          "server refused the handshake after our Finished: alert certificate_required");
      assertThat(last.phase()).isEqualTo(Phase.AFTER_HANDSHAKE);
    } else {
      assertThat(t.outcome().summary())
          .isEqualTo("server refused the handshake: alert handshake_failure");
      assertThat(last.phase()).isEqualTo(Phase.HANDSHAKE);
    }
  }

  @Test
  void untrustedServerChainStopsTheHandshakeBeforeOurCertificateIsSent() throws IOException {
    TrustBundle otherRoot = TrustBundle.of(TestPki.root("Some Other Root").build().certificate());
    HandshakeTrace t;
    try (OpensslServer s = openssl("-tls1_3")) {
      t = tracer().trust(otherRoot).build().trace("127.0.0.1", s.port);
    }

    assertThat(t.outcome().completed()).isFalse();
    assertThat(t.outcome().summary()).startsWith("server certificate not trusted: ");
    assertThat(t.verdict()).hasValueSatisfying(v -> {
      assertThat(v.trusted()).isFalse();
      assertThat(v.cause()).contains(FailureCause.PEER_CERTIFICATE_UNTRUSTED);
    });
    assertThat(t.steps()).noneMatch(s -> s.direction() == C && s.message().equals("Certificate"));
    Step last = t.steps().get(t.steps().size() - 1);
    assertThat(last.direction()).isEqualTo(C);
    assertThat(last.field("alert").orElseThrow().text()).isEqualTo("fatal certificate_unknown");
    assertThat(TraceFormat.text(t)).contains("Server chain: NOT trusted (peer certificate untrusted)");
  }

  @Test
  void serverCertificateForAnotherNameIsRefused() throws IOException {
    HandshakeTrace t;
    try (OpensslServer s = openssl("-tls1_2")) {
      t = tracer().serverName("api.example").build().trace("127.0.0.1", s.port);
    }

    assertThat(field(t, C, "ClientHello", "server_name")).isEqualTo("api.example");
    assertThat(t.outcome().completed()).isFalse();
    assertThat(t.verdict().orElseThrow().cause()).contains(FailureCause.PEER_CERTIFICATE_WRONG_HOST);
    assertThat(t.verdict().orElseThrow().detail()).contains("api.example");
  }

  @Test
  void revocationStatusIsShownWhenARevocationSourceIsGiven() throws IOException {
    Path goodCrl = issuing.crl().writePem(dir.resolve("good.crl"));
    Path revokingCrl = issuing.crl().revoke(server, TestPki.Reason.KEY_COMPROMISE)
        .writePem(dir.resolve("revoking.crl"));
    HandshakeTrace good;
    HandshakeTrace revoked;
    try (OpensslServer s = openssl("-tls1_3")) {
      good = tracer().revocation(RevocationSource.builder().crlFile(goodCrl).build()).build()
          .trace("127.0.0.1", s.port);
      revoked = tracer().revocation(RevocationSource.builder().crlFile(revokingCrl).build()).build()
          .trace("127.0.0.1", s.port);
    }

    assertThat(good.outcome().completed()).as(good.outcome().summary()).isTrue();
    assertThat(good.serverChain().get(0).revocation()).startsWith("not revoked");
    assertThat(revoked.outcome().completed()).isFalse();
    assertThat(revoked.verdict().orElseThrow().cause())
        .contains(FailureCause.PEER_CERTIFICATE_REVOKED);
    assertThat(revoked.serverChain().get(0).revocation()).startsWith("revoked: ");
    assertThat(revoked.steps()).noneMatch(s -> s.direction() == C && s.message().equals("Certificate"));
  }

  @Test
  void helloRetryRequestMakesTwoRoundTrips() throws IOException {
    HandshakeTrace t;
    // The server takes only P-384; we send an x25519 key share first, so it asks for another.
    try (OpensslServer s = openssl("-tls1_3", "-groups", "secp384r1")) {
      t = tracer().build().trace("127.0.0.1", s.port);
    }

    assertThat(t.outcome().completed()).as(t.outcome().summary()).isTrue();
    assertThat(t.handshakeSteps()).extracting(Step::message).startsWith("ClientHello",
        "HelloRetryRequest");
    assertThat(field(t, S, "HelloRetryRequest", "group")).isEqualTo("secp384r1");
    assertThat(t.handshakeSteps()).filteredOn(s -> s.message().equals("ClientHello"))
        .extracting(s -> s.field("key_shares").orElseThrow().text())
        .containsExactly("x25519 (32 bytes)", "secp384r1 (97 bytes)");
    assertThat(t.roundTrips()).isEqualTo(2);
    assertThat(t.negotiated().group()).contains("secp384r1");
  }

  @Test
  void alpnOfferAndChoiceAreShown() throws IOException {
    HandshakeTrace t;
    try (OpensslServer s = openssl("-tls1_3", "-alpn", "h2,http/1.1")) {
      t = tracer().applicationProtocols("h2", "http/1.1").build().trace("127.0.0.1", s.port);
    }

    assertThat(field(t, C, "ClientHello", "alpn")).isEqualTo("h2, http/1.1");
    assertThat(field(t, S, "EncryptedExtensions", "alpn")).isEqualTo("h2");
    assertThat(t.negotiated().alpn()).contains("h2");
  }

  @Test
  void tls13AgainstGnutlsRequiringAClientCertificate() throws IOException {
    // GnuTLS wants the EC key with its curve inside (SEC1 "EC PRIVATE KEY").
    Tool.openssl(dir, "ec", "-in", serverKey.toString(), "-out", "server-ec.key").assertOk();
    int port = Tool.freePort();
    HandshakeTrace t;
    try (Tool.Server s = Tool.Server.start(dir, line -> line.contains("listening on IPv4"),
        "gnutls-serv", "--port=" + port, "--require-client-cert", "--x509cafile=" + rootPem,
        "--x509certfile=" + serverChain, "--x509keyfile=" + dir.resolve("server-ec.key"),
        "--priority=NORMAL:-VERS-ALL:+VERS-TLS1.3")) {
      t = tracer().build().trace("127.0.0.1", port);
    }

    assertThat(t.outcome().completed()).as(t.outcome().summary()).isTrue();
    assertThat(t.handshakeSteps()).filteredOn(s -> !s.message().equals("ChangeCipherSpec"))
        .extracting(Step::direction, Step::message).containsExactly(
            tuple(C, "ClientHello"),
            tuple(S, "ServerHello"),
            tuple(S, "EncryptedExtensions"),
            tuple(S, "CertificateRequest"),
            tuple(S, "Certificate"),
            tuple(S, "CertificateVerify"),
            tuple(S, "Finished"),
            tuple(C, "Certificate"),
            tuple(C, "CertificateVerify"),
            tuple(C, "Finished"));
    assertThat(t.roundTrips()).isEqualTo(1);
    assertThat(t.negotiated().version()).contains("TLS 1.3");
  }

  @Test
  void aServerThatDoesNotSpeakTlsIsNamed() throws Exception {
    try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = http.accept(); InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream()) {
          in.read(new byte[512]);
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException ignored) {
          // the test fails on the trace instead
        }
      });
      t.start();
      HandshakeTrace trace = tracer().build().trace("127.0.0.1", http.getLocalPort());
      t.join();

      assertThat(trace.outcome().completed()).isFalse();
      assertThat(trace.outcome().summary())
          .isEqualTo("not TLS: the server answered with bytes 48 54 54 50 2f (\"HTTP/\")");
      // Our stack answers the garbage with an alert, as it should.
      assertThat(trace.steps()).extracting(Step::direction, Step::message)
          .containsExactly(tuple(C, "ClientHello"), tuple(C, "Alert"));
    }
  }

  @Test
  void nothingListeningIsAnIoExceptionNamingTheAddress() {
    int port = Tool.freePort();
    assertThatThrownBy(() -> tracer().build().trace("127.0.0.1", port))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot connect to 127.0.0.1:" + port + ": ");
  }

  // -----------------------------------------------------------------------------------------------

  /** The text of a field of the first message with this name and direction. */
  private static String field(HandshakeTrace t, Direction d, String message, String name) {
    Step step = t.steps().stream().filter(s -> s.direction() == d && s.message().equals(message))
        .findFirst().orElseThrow(() -> new AssertionError("no " + message + " in " + t.messageNames()));
    return step.field(name).orElseThrow(() -> new AssertionError(message + " has no " + name))
        .text();
  }

  /** Each record gets its own time, read from the injected clock when it crossed the socket. */
  private static void assertOffsetsFollowTheWire(HandshakeTrace t) {
    Step previous = null;
    for (Step s : t.steps()) {
      assertThat(s.recordIndex()).isGreaterThanOrEqualTo(0);
      if (previous != null) {
        assertThat(s.recordIndex()).isGreaterThanOrEqualTo(previous.recordIndex());
        if (s.recordIndex() > previous.recordIndex()) {
          assertThat(s.offset()).isGreaterThan(previous.offset());
        } else {
          assertThat(s.offset()).isEqualTo(previous.offset());
        }
      }
      previous = s;
    }
  }

  /** The ladder has one line per step, in order, with the arrow pointing the step's way. */
  private static void assertLadder(HandshakeTrace t) {
    String text = TraceFormat.text(t);
    List<String> arrows = text.lines().filter(l -> l.contains("|--") || l.contains("|<-")).toList();
    assertThat(arrows).hasSize(t.steps().size());
    for (int i = 0; i < arrows.size(); i++) {
      Step s = t.steps().get(i);
      String line = arrows.get(i);
      assertThat(line).contains(" " + s.message() + " ").contains(s.size() + " B")
          .contains(TraceFormat.millis(s.offset()) + " ms");
      assertThat(line.contains("->|")).isEqualTo(s.direction() == C);
      assertThat(line.contains("|<-")).isEqualTo(s.direction() == S);
      assertThat(line.endsWith("encrypted")).isEqualTo(s.encrypted());
    }
    assertThat(text).contains("our side of the handshake complete: " + t.roundTrips() + " round trip")
        .contains("Result: " + t.outcome().summary());
  }

  /** The JSON document is valid JSON and carries the same steps, fields and parameters. */
  private static void assertJsonCarriesTheTrace(HandshakeTrace t) {
    Map<String, Object> json = JsonCheck.object(JsonCheck.parse(TraceFormat.json(t)));
    assertThat(json.get("host")).isEqualTo(t.host());
    assertThat(((Number) json.get("round_trips")).intValue()).isEqualTo(t.roundTrips());
    assertThat(JsonCheck.object(json.get("outcome")).get("completed"))
        .isEqualTo(t.outcome().completed());
    List<Object> steps = JsonCheck.array(json.get("steps"));
    assertThat(steps).hasSize(t.steps().size());
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Object> js = JsonCheck.object(steps.get(i));
      Step s = t.steps().get(i);
      assertThat(js.get("message")).isEqualTo(s.message());
      assertThat(js.get("direction")).isEqualTo(s.direction().jsonName());
      assertThat(((Number) js.get("bytes")).intValue()).isEqualTo(s.size());
      assertThat(JsonCheck.object(js.get("record")).get("encrypted")).isEqualTo(s.encrypted());
      Map<String, Object> fields = JsonCheck.object(js.get("fields"));
      assertThat(fields.keySet()).containsExactlyElementsOf(
          s.fields().stream().map(HandshakeTrace.Field::name).collect(Collectors.toList()));
      for (HandshakeTrace.Field f : s.fields()) {
        assertThat(fields.get(f.name())).isEqualTo(f.list() ? f.values() : f.values().get(0));
      }
    }
    Map<String, Object> negotiated = JsonCheck.object(json.get("negotiated"));
    assertThat(negotiated.get("version")).isEqualTo(t.negotiated().version().orElseThrow());
    assertThat(negotiated.get("cipher_suite")).isEqualTo(t.negotiated().cipherSuite().orElseThrow());
    Map<String, Object> chain = JsonCheck.object(json.get("server_chain"));
    assertThat(JsonCheck.object(chain.get("verdict")).get("trusted")).isEqualTo(true);
    assertThat(JsonCheck.array(chain.get("certificates"))).hasSize(t.serverChain().size());
  }
}
