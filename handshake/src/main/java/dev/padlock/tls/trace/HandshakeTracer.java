package dev.padlock.tls.trace;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.internal.CertNames;
import dev.padlock.tls.trace.HandshakeTrace.Outcome;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
        outcome = Outcomes.afterHandshake(protocol, timeout);
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "traced handshake with " + host + ":" + port + " failed", e);
        outcome = Outcomes.failure(e, client, recording, timeout);
      }
      boolean tls13 = client.serverVersion != null && TlsUtils.isTLSv13(client.serverVersion);
      List<Step> steps = recording.steps(tls13);
      return new HandshakeTrace(host, port, Optional.ofNullable(sni), recording.start(), steps,
          Recording.roundTrips(steps), Outcomes.negotiated(client, steps), Outcomes.peerChain(client),
          Optional.ofNullable(client.verdict), outcome);
    }
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
