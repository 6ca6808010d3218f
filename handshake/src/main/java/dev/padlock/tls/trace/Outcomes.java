package dev.padlock.tls.trace;

import dev.padlock.tls.diagnose.CertificateSummary;
import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Negotiated;
import dev.padlock.tls.trace.HandshakeTrace.Outcome;
import dev.padlock.tls.trace.HandshakeTrace.PeerCertificate;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/**
 * How a traced handshake ended, and what it settled on: the outcome sentence (from what the stack
 * threw and what the client saw), the negotiated parameters and the server's chain as shown.
 */
final class Outcomes {
  /** How much application data we read, after the handshake, while waiting for the server to close. */
  private static final long MAX_APPLICATION_DATA = 64 * 1024;

  private Outcomes() {}

  /**
   * Sends close_notify and reads until the server closes: TLS 1.3 tickets, or the alert by which
   * a TLS 1.3 server refuses our certificate after our Finished, are traced too.
   */
  static Outcome afterHandshake(TracingClientProtocol protocol, Duration timeout) {
    try {
      protocol.sendCloseNotify();
      InputStream in = protocol.getInputStream();
      byte[] buf = new byte[4096];
      long appData = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        // Application data the server sends anyway shows up as steps; we only wait for its close.
        appData += n;
        if (appData > MAX_APPLICATION_DATA) {
          return new Outcome(true, "handshake completed (stopped reading after the server sent "
              + appData + " bytes of application data instead of closing)");
        }
      }
      return new Outcome(true, "handshake completed");
    } catch (TlsFatalAlertReceived e) {
      return new Outcome(false, "server refused the handshake after our Finished: alert "
          + TlsNames.alertDescription(e.getAlertDescription()));
    } catch (SocketTimeoutException e) {
      return new Outcome(true, "handshake completed (the server did not close the connection within "
          + timeout.toMillis() + " ms of our close_notify)");
    } catch (EOFException e) { // TlsNoCloseNotifyException included
      return new Outcome(true,
          "handshake completed (the server closed the connection without close_notify)");
    } catch (IOException e) {
      return new Outcome(false, "after the handshake: " + e.getMessage());
    }
  }

  static Outcome failure(Exception e, TracingClient client, Recording recording,
      Duration timeout) {
    byte[] notTls = recording.firstBytesIfNotTls();
    if (notTls != null) {
      return new Outcome(false, "not TLS: the server answered with bytes "
          + HexFormat.ofDelimiter(" ").formatHex(notTls) + " (\""
          + printable(notTls) + "\")");
    }
    if (e instanceof TlsFatalAlertReceived r) {
      return new Outcome(false,
          "server refused the handshake: alert " + TlsNames.alertDescription(r.getAlertDescription()));
    }
    if (client.verdict != null && !client.verdict.trusted()) {
      return new Outcome(false, "server certificate not trusted: " + client.verdict.detail());
    }
    if (e instanceof TlsFatalAlert a) {
      String why = client.alertRaisedMessage != null ? ": " + client.alertRaisedMessage : "";
      return new Outcome(false, "we aborted the handshake with alert "
          + TlsNames.alertDescription(a.getAlertDescription()) + why);
    }
    if (e instanceof SocketTimeoutException) {
      return new Outcome(false, "timed out after " + timeout.toMillis() + " ms waiting for the server");
    }
    if (e instanceof EOFException) { // TlsNoCloseNotifyException included
      return new Outcome(false, "the server closed the connection during the handshake");
    }
    return new Outcome(false, "handshake failed: " + e);
  }

  static Negotiated negotiated(TracingClient client, List<Step> steps) {
    Optional<String> group = fieldOf(steps, Direction.SERVER_TO_CLIENT, "ServerHello", "group")
        .or(() -> fieldOf(steps, Direction.SERVER_TO_CLIENT, "ServerKeyExchange", "group"));
    Optional<String> signature =
        fieldOf(steps, Direction.SERVER_TO_CLIENT, "CertificateVerify", "signature_algorithm")
            .or(() -> fieldOf(steps, Direction.SERVER_TO_CLIENT, "ServerKeyExchange",
                "signature_algorithm"));
    Optional<String> sessionId = client.sessionId == null || client.sessionId.length == 0
        ? Optional.empty() : Optional.of(HexFormat.of().formatHex(client.sessionId));
    return new Negotiated(
        Optional.ofNullable(client.serverVersion).map(TlsNames::version),
        Optional.ofNullable(client.cipherSuite).map(TlsNames::cipherSuite),
        group, signature, Optional.ofNullable(client.alpn), sessionId,
        Optional.ofNullable(client.clientCertificateSent),
        Optional.ofNullable(client.extendedMasterSecret));
  }

  private static Optional<String> fieldOf(List<Step> steps, Direction direction, String message,
      String field) {
    return steps.stream()
        .filter(s -> s.direction() == direction && s.message().equals(message))
        .flatMap(s -> s.field(field).stream())
        .map(HandshakeTrace.Field::text)
        .reduce((first, later) -> later);
  }

  static List<PeerCertificate> peerChain(TracingClient client) {
    List<PeerCertificate> out = new ArrayList<>();
    for (X509Certificate c : client.serverChain) {
      out.add(new PeerCertificate(c.getSubjectX500Principal().getName(),
          c.getIssuerX500Principal().getName(), CertificateSummary.sans(c),
          c.getSerialNumber(), c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
          client.revocationNotes.getOrDefault(c, "not checked")));
    }
    return out;
  }

  private static String printable(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (char c : new String(bytes, StandardCharsets.ISO_8859_1).toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? c : '.');
    }
    return sb.toString();
  }
}
