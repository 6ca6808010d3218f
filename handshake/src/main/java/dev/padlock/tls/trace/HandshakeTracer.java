package dev.padlock.tls.trace;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.internal.CertNames;
import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Negotiated;
import dev.padlock.tls.trace.HandshakeTrace.Outcome;
import dev.padlock.tls.trace.HandshakeTrace.PeerCertificate;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Performs one TLS handshake as a client and records it step by step ({@link HandshakeTrace}): the
 * diagnostic view behind {@code padlock trace}.
 *
 * <pre>{@code
 * HandshakeTrace trace = HandshakeTracer.builder()
 *     .trust(TrustBundle.fromPem(Path.of("root.pem")))
 *     .identity(TlsIdentity.fromPem(Path.of("client.pem"), Path.of("client.key")))
 *     .build()
 *     .trace("api.internal", 8443);
 * System.out.print(TraceFormat.text(trace));
 * }</pre>
 *
 * <p>The trace weakens nothing: it offers what padlock's clients offer (TLS 1.3 and 1.2, AEAD suites
 * with ECDHE), checks the server's chain against the trust bundle, its validity, EKU serverAuth and
 * the host name, and stops the handshake with an alert when that check fails, so our certificate
 * is never sent to a server we do not trust. The verdict is part of the trace. The handshake runs on
 * Bouncy Castle's TLS stack (bctls), whose record layer can be observed, not on JSSE.
 *
 * <p>After our side of the handshake completes, the tracer sends close_notify and reads until the
 * server closes, so that what the server sends afterwards is traced too: TLS 1.3 session tickets,
 * or the alert by which a TLS 1.3 server refuses our certificate (it comes after our Finished).
 */
public final class HandshakeTracer {
  private static final System.Logger LOG = System.getLogger(HandshakeTracer.class.getName());

  /** Which protocol versions the ClientHello offers. */
  public enum Offer {
    TLS_1_3_AND_1_2, TLS_1_3_ONLY, TLS_1_2_ONLY
  }

  private final TrustBundle trust;
  private final TlsIdentity identity;
  private final RevocationSource revocation;
  private final Offer offer;
  private final String serverName;
  private final List<String> applicationProtocols;
  private final Clock clock;
  private final Duration timeout;

  private HandshakeTracer(Builder b) {
    this.trust = b.trust;
    this.identity = b.identity;
    this.revocation = b.revocation;
    this.offer = b.offer;
    this.serverName = b.serverName;
    this.applicationProtocols = List.copyOf(b.applicationProtocols);
    this.clock = b.clock;
    this.timeout = b.timeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Connects to host:port, performs the handshake and returns its trace. A handshake that fails is
   * still a trace: see {@link HandshakeTrace#outcome()}.
   *
   * @throws IOException if no TCP connection can be made (nothing listening, unknown host, timeout)
   */
  public HandshakeTrace trace(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    boolean ipLiteral = CertNames.ipLiteral(host) != null;
    String sni = serverName != null ? serverName : ipLiteral ? null : host;
    String nameToCheck = serverName != null ? serverName : host;
    ServerChainCheck check = trust != null ? ServerChainCheck.of(trust, revocation)
        : ServerChainCheck.jdkDefault(revocation);
    JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());

    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(host, port), millis);
      } catch (IOException e) {
        throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
      }
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      Recording recording = new Recording(clock);
      TracingClientProtocol protocol = new TracingClientProtocol(
          WireTap.input(socket.getInputStream(), recording),
          WireTap.output(socket.getOutputStream(), recording), recording);
      TracingClient client = new TracingClient(crypto, offer, sni, applicationProtocols, identity,
          check, nameToCheck, clock, recording);
      Outcome outcome;
      try {
        protocol.connect(client);
        outcome = afterHandshake(protocol);
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "traced handshake with " + host + ":" + port + " failed", e);
        outcome = failure(e, client, recording);
      }
      boolean tls13 = client.serverVersion != null && TlsUtils.isTLSv13(client.serverVersion);
      List<Step> steps = recording.steps(tls13);
      return new HandshakeTrace(host, port, Optional.ofNullable(sni), recording.start(), steps,
          Recording.roundTrips(steps), negotiated(client, steps), peerChain(client),
          Optional.ofNullable(client.verdict), outcome);
    }
  }

  private Outcome afterHandshake(TracingClientProtocol protocol) {
    try {
      protocol.sendCloseNotify();
      InputStream in = protocol.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // Application data the server sends anyway shows up as steps; we only wait for its close.
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

  private Outcome failure(Exception e, TracingClient client, Recording recording) {
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

  private static Negotiated negotiated(TracingClient client, List<Step> steps) {
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

  private static List<PeerCertificate> peerChain(TracingClient client) {
    List<PeerCertificate> out = new ArrayList<>();
    for (X509Certificate c : client.serverChain) {
      out.add(new PeerCertificate(c.getSubjectX500Principal().getName(),
          c.getIssuerX500Principal().getName(), dev.padlock.tls.diagnose.CertificateSummary.sans(c),
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

  /** Configures a tracer. Every setting has a safe default. */
  public static final class Builder {
    private TrustBundle trust;
    private TlsIdentity identity;
    private RevocationSource revocation = RevocationSource.none();
    private Offer offer = Offer.TLS_1_3_AND_1_2;
    private String serverName;
    private final List<String> applicationProtocols = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The CAs the server's chain must build to. If unset, the JDK's default trust anchors. */
    public Builder trust(TrustBundle trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /**
     * Our certificate and key, sent if the server asks for one. If unset, we answer a
     * CertificateRequest with an empty Certificate message.
     */
    public Builder identity(TlsIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Where to learn whether the server's certificates are revoked (CRL files or URLs, OCSP), as for
     * padlock's trust manager; a revoked certificate stops the handshake. If unset, none: revocation
     * is not checked, and the trace says so for each certificate.
     */
    public Builder revocation(RevocationSource revocation) {
      this.revocation = Objects.requireNonNull(revocation, "revocation");
      return this;
    }

    /** The versions to offer. If unset, TLS 1.3 and TLS 1.2. */
    public Builder offer(Offer offer) {
      this.offer = Objects.requireNonNull(offer, "offer");
      return this;
    }

    /**
     * The name sent as SNI and checked against the server's certificate. If unset, the host given
     * to {@link #trace}: sent as SNI when it is a DNS name (never for an IP address), and checked.
     */
    public Builder serverName(String serverName) {
      this.serverName = Objects.requireNonNull(serverName, "serverName");
      return this;
    }

    /** ALPN protocol names to offer (RFC 7301), e.g. "h2". If unset, no ALPN extension. */
    public Builder applicationProtocols(String... protocols) {
      applicationProtocols.clear();
      applicationProtocols.addAll(List.of(protocols));
      return this;
    }

    /** The clock for time offsets and certificate validity. If unset, the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long to wait to connect and for each read from the server. If unset, 10 seconds.
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public HandshakeTracer build() {
      return new HandshakeTracer(this);
    }
  }
}
