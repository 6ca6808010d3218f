package dev.padlock.tls;

import dev.padlock.tls.diagnose.HandshakeListener;
import dev.padlock.tls.internal.BouncyCastleTls;
import dev.padlock.tls.internal.CertNames;
import dev.padlock.tls.internal.ConfiguredSslContext;
import dev.padlock.tls.internal.FailureReporter;
import dev.padlock.tls.internal.PadlockKeyManager;
import dev.padlock.tls.internal.PadlockTrustManager;
import dev.padlock.tls.internal.PeerVerifier;
import dev.padlock.tls.reload.ReloadListener;
import dev.padlock.tls.reload.Reloadable;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS (RFC 8446 section 4.3.2, client certificates) for a server or a client, as an {@link
 * SSLContext} that any Java TLS user takes: {@code SSLServerSocket}, {@code SSLEngine}, Jetty, {@code
 * java.net.http.HttpClient}.
 *
 * <pre>{@code
 * MutualTls tls = MutualTls.server(TlsIdentity.fromPem(chain, key))
 *     .trust(TrustBundle.fromPem(caPem))
 *     .peerPolicy(PeerPolicy.builder().allowUri("spiffe://example.org/billing").build())
 *     .revocation(RevocationSource.builder().crlFile(crlPem).build())
 *     .build();
 * SSLServerSocket s = (SSLServerSocket) tls.sslContext().getServerSocketFactory().createServerSocket(8443);
 * }</pre>
 *
 * <p>Safe by default: TLS 1.3 and 1.2 with AEAD cipher suites only; a server requires a client
 * certificate and an empty peer policy admits no one; a client checks the server's host name. The
 * peer's chain must build to the trust bundle, must not be revoked, must carry the right extended
 * key usage (clientAuth for clients, serverAuth for servers) and must pass the peer policy. Every
 * refused handshake is reported to the {@link HandshakeListener} and the System.Logger with a named
 * cause; the peer only gets a standard TLS alert.
 *
 * <p>Identity and trust files are re-read when they change (checked at most every {@link
 * Builder#reloadCheckInterval}, on the next handshake) and on {@link #reload()}: the new state is
 * validated and swapped in atomically; a bad file keeps the last good state. The SSLContext is never
 * re-initialised, so connections in flight and new ones carry on.
 */
public final class MutualTls {
  /** TLS versions padlock speaks. */
  public enum Version {
    TLS_1_3("TLSv1.3"), TLS_1_2("TLSv1.2");

    private final String protocolName;

    Version(String protocolName) {
      this.protocolName = protocolName;
    }

    /** The JSSE protocol name, e.g. "TLSv1.3". */
    public String protocolName() {
      return protocolName;
    }
  }

  /** Whether a server requires client certificates or only asks for them. */
  public enum ClientAuth { REQUIRED, OPTIONAL }

  /**
   * Which TLS implementation runs a context's handshakes and records. Either way padlock's own key and
   * trust managers decide who is trusted, with the same protocols, cipher suites and client
   * authentication, and nothing is registered with the JVM.
   */
  public enum TlsProvider {
    /**
     * Bouncy Castle's JSSE, with its own instance of Bouncy Castle's JCA provider for the public-key
     * work (ECDSA, EdDSA, ECDH, X25519) and the JDK's providers for AES-GCM, ChaCha20-Poly1305,
     * HMAC, SHA-2 and certificate parsing. On Java 17 (SunEC's P-256 is 7-13x slower than Bouncy
     * Castle's) padlock completes 1.3-2.1x as many full mutual-TLS handshakes per second as on {@link
     * #JDK}, and moves bulk data at 0.86-0.98x SunJSSE's rate (bench/README.md). What differs from
     * {@link #JDK}: {@code shutdownOutput()} (a TLS 1.3 half-close) is not supported, and a peer's
     * close_notify is answered with one and a close, from the reading thread and (in bctls 1.84) without the
     * lock application-data writes take, so a record being written at that moment may reach the peer out of
     * order and be refused by it (an AEAD error instead of a clean end of the stream; {@code padlock tunnel}
     * avoids it with a socket layer that lets its reads and writes take turns); a private key
     * must be readable (a key held in a token needs {@link #JDK}, and is given it automatically); a
     * client socket made from an {@code InetAddress} has no host name to verify unless {@code
     * serverName} is set; Bouncy Castle's JSSE logs each connection at INFO on the {@code
     * java.util.logging} logger {@code org.bouncycastle.jsse} (raise that logger's level to quiet it);
     * and it is not the JDK's FIPS-configurable provider chain.
     */
    BOUNCY_CASTLE,
    /** The JDK's SunJSSE over the JVM's configured JCA providers (SunEC on a stock JDK). */
    JDK
  }

  /** The default cipher suites: AEAD only, ECDHE for forward secrecy in TLS 1.2. */
  public static final List<String> AEAD_CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final boolean server;
  private final SSLContext sslContext;
  private final SSLParameters params;
  private final Reloadable<TlsIdentity> identity;
  private final Reloadable<PeerVerifier> trust;
  private final RevocationSource revocation;
  private final Clock clock;
  private final PadlockKeyManager keyManager;
  private final PadlockTrustManager trustManager;
  private final TlsProvider tlsProvider;

  private MutualTls(Builder<?> b, boolean server) {
    this.server = server;
    this.clock = b.clock;
    this.revocation = b.revocation;
    PeerPolicy policy = b.peerPolicy != null ? b.peerPolicy
        : server ? PeerPolicy.denyAll() : PeerPolicy.anyTrustedPeer();
    ReloadListener reloads = b.reloadListener;
    revocation.addListener(reloads);
    this.identity = b.identity == null ? null : new Reloadable<>(
        "identity " + describeFiles(b.identity.files()), b.identity, b.identity.files(),
        (prev, now) -> usable(prev.reread(), now), b.reloadCheckInterval, reloads);
    this.trust = new Reloadable<>("trust bundle " + describeFiles(b.trust.files()),
        new PeerVerifier(b.trust, revocation, policy), b.trust.files(),
        (prev, now) -> new PeerVerifier(prev.bundle().reread(), revocation, policy),
        b.reloadCheckInterval, reloads);
    FailureReporter reporter = new FailureReporter(b.listener, clock, server);
    boolean requireClientAuth = server && b.clientAuth == ClientAuth.REQUIRED;
    this.tlsProvider = b.provider != null ? null : effectiveProvider(b);
    this.keyManager = tlsProvider == TlsProvider.BOUNCY_CASTLE
        ? new PadlockKeyManager(identity, clock, requireClientAuth, BouncyCastleTls::privateKey)
        : new PadlockKeyManager(identity, clock, requireClientAuth);
    this.trustManager = new PadlockTrustManager(now -> trust.current(now).value(), clock, reporter,
        b.serverName);
    try {
      Provider jsse = b.provider != null ? b.provider
          : tlsProvider == TlsProvider.BOUNCY_CASTLE ? BouncyCastleTls.jsseProvider() : null;
      SSLContext inner = jsse == null ? SSLContext.getInstance("TLS")
          : SSLContext.getInstance("TLS", jsse);
      inner.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
      if (server) {
        inner.getServerSessionContext().setSessionTimeout(
            (int) Math.max(1, b.sessionTimeout.toSeconds()));
      }
      this.params = parameters(inner, b, server);
      this.sslContext = new ConfiguredSslContext(inner, params, server, reporter);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
    }
  }

  /** Starts a server that presents this identity and requires client certificates. */
  public static ServerBuilder server(TlsIdentity identity) {
    return new ServerBuilder(Objects.requireNonNull(identity, "identity"));
  }

  /** Starts a client that presents this identity when the server asks for a certificate. */
  public static ClientBuilder client(TlsIdentity identity) {
    return new ClientBuilder(Objects.requireNonNull(identity, "identity"));
  }

  /** Starts a client without a certificate (for servers that do not require one). */
  public static ClientBuilder clientWithoutCertificate() {
    return new ClientBuilder(null);
  }

  /**
   * The context to hand to sockets, engines, Jetty or HttpClient. Its sockets and engines start with
   * {@link #sslParameters()}; it cannot be initialised again.
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** padlock's TLS parameters: protocols, cipher suites, client authentication. A copy. */
  public SSLParameters sslParameters() {
    return sslContext.getDefaultSSLParameters();
  }

  public boolean isServer() {
    return server;
  }

  /** The TLS implementation in use; null when a JSSE provider was given with {@code provider(...)}. */
  public TlsProvider tlsProvider() {
    return tlsProvider;
  }

  /** The identity in use now (null for a client without certificate). */
  public TlsIdentity identity() {
    return identity == null ? null : identity.current(clock.instant()).value();
  }

  /** The trust bundle in use now. */
  public TrustBundle trustBundle() {
    return trust.current(clock.instant()).value().bundle();
  }

  public RevocationSource revocation() {
    return revocation;
  }

  /** The key manager inside {@link #sslContext()}, for frameworks that want managers. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** The trust manager inside {@link #sslContext()}, for frameworks that want managers. */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /**
   * Re-reads the identity, trust bundle and CRL files now. Whatever reads and validates is swapped
   * in; whatever does not keeps its last good state.
   *
   * @throws IOException naming what was refused and why
   */
  public void reload() throws IOException {
    Instant now = clock.instant();
    List<String> errors = new ArrayList<>();
    if (identity != null) {
      try {
        identity.reloadNow(now);
      } catch (IOException e) {
        errors.add("identity: " + e.getMessage());
      }
    }
    try {
      trust.reloadNow(now);
    } catch (IOException e) {
      errors.add("trust bundle: " + e.getMessage());
    }
    revocation.refreshNow(now);
    if (!errors.isEmpty()) {
      throw new IOException("reload refused, keeping the last good state: "
          + String.join("; ", errors));
    }
  }

  @Override
  public String toString() {
    return "MutualTls[" + (server ? "server" : "client") + ", " + identity() + ", "
        + trustBundle() + ", " + Arrays.toString(params.getProtocols()) + "]";
  }

  /** The chosen provider; Bouncy Castle cannot sign with a key it cannot read (one in a token). */
  private static TlsProvider effectiveProvider(Builder<?> b) {
    if (b.tlsProvider == TlsProvider.BOUNCY_CASTLE && b.identity != null
        && !BouncyCastleTls.canUse(b.identity.privateKey())) {
      return TlsProvider.JDK;
    }
    return b.tlsProvider;
  }

  private static TlsIdentity usable(TlsIdentity id, Instant now) throws IOException {
    X509Certificate c = id.certificate();
    if (now.isAfter(c.getNotAfter().toInstant())) {
      throw new IOException("new certificate " + c.getSubjectX500Principal().getName()
          + " expired at " + c.getNotAfter().toInstant());
    }
    if (now.isBefore(c.getNotBefore().toInstant())) {
      throw new IOException("new certificate " + c.getSubjectX500Principal().getName()
          + " is not valid before " + c.getNotBefore().toInstant());
    }
    return id;
  }

  private static String describeFiles(List<java.nio.file.Path> files) {
    return files.isEmpty() ? "(in memory)" : files.toString();
  }

  private static SSLParameters parameters(SSLContext inner, Builder<?> b, boolean server) {
    SSLParameters supported = inner.getSupportedSSLParameters();
    Set<String> supportedProtocols = Set.of(supported.getProtocols());
    Set<String> supportedSuites = Set.of(supported.getCipherSuites());
    List<String> protocols = new ArrayList<>();
    for (Version v : b.versions) {
      if (supportedProtocols.contains(v.protocolName())) {
        protocols.add(v.protocolName());
      }
    }
    List<String> suites = new ArrayList<>();
    for (String s : b.cipherSuites) {
      if (supportedSuites.contains(s)) {
        suites.add(s);
      }
    }
    if (protocols.isEmpty() || suites.isEmpty()) {
      throw new IllegalStateException("the TLS provider " + inner.getProvider().getName()
          + " supports none of the protocols " + b.versions + " or none of the cipher suites "
          + b.cipherSuites);
    }
    SSLParameters p = new SSLParameters(suites.toArray(String[]::new),
        protocols.toArray(String[]::new));
    if (server) {
      if (b.clientAuth == ClientAuth.REQUIRED) {
        p.setNeedClientAuth(true);
      } else {
        p.setWantClientAuth(true);
      }
      p.setUseCipherSuitesOrder(true);
    } else if (b.serverName != null && CertNames.ipLiteral(b.serverName) == null) {
      p.setServerNames(List.of(new SNIHostName(b.serverName)));
    }
    return p;
  }

  /** Settings common to servers and clients. */
  public abstract static class Builder<B extends Builder<B>> {
    private final TlsIdentity identity;
    private TrustBundle trust;
    private RevocationSource revocation = RevocationSource.none();
    private PeerPolicy peerPolicy;
    private List<Version> versions = List.of(Version.TLS_1_3, Version.TLS_1_2);
    private List<String> cipherSuites = AEAD_CIPHER_SUITES;
    private Clock clock = Clock.systemUTC();
    private Provider provider;
    private TlsProvider tlsProvider = TlsProvider.JDK;
    private HandshakeListener listener = HandshakeListener.none();
    private ReloadListener reloadListener = ReloadListener.none();
    private Duration reloadCheckInterval = Duration.ofSeconds(2);
    ClientAuth clientAuth = ClientAuth.REQUIRED;
    Duration sessionTimeout = Duration.ofMinutes(5);
    String serverName;

    Builder(TlsIdentity identity) {
      this.identity = identity;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Whom to trust to vouch for peers. Required: if unset, {@link #build()} fails. */
    public B trust(TrustBundle bundle) {
      this.trust = Objects.requireNonNull(bundle);
      return self();
    }

    /** Where revocation data comes from. If unset, {@link RevocationSource#none()}: no checking. */
    public B revocation(RevocationSource source) {
      this.revocation = Objects.requireNonNull(source);
      return self();
    }

    /**
     * Which verified peers may connect. If unset: on a server, no client is allowed (an empty
     * policy); on a client, any server whose certificate is valid for the host name.
     */
    public B peerPolicy(PeerPolicy policy) {
      this.peerPolicy = Objects.requireNonNull(policy);
      return self();
    }

    /** TLS versions to speak. If unset, TLS 1.3 and TLS 1.2. */
    public B versions(Version... versions) {
      if (versions.length == 0) {
        throw new IllegalArgumentException("at least one TLS version");
      }
      this.versions = List.of(versions);
      return self();
    }

    /**
     * Cipher suites, by JSSE name, most preferred first. If unset, {@link #AEAD_CIPHER_SUITES}
     * (AES-GCM and ChaCha20-Poly1305).
     */
    public B cipherSuites(String... suites) {
      if (suites.length == 0) {
        throw new IllegalArgumentException("at least one cipher suite");
      }
      this.cipherSuites = List.of(suites);
      return self();
    }

    /** The clock for certificate, CRL and OCSP times and reload checks. If unset, system UTC. */
    public B clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return self();
    }

    /**
     * Which TLS implementation runs this context (see {@link TlsProvider}): {@link
     * TlsProvider#BOUNCY_CASTLE} for servers and clients whose cost is handshakes (many short
     * connections) on Java 17; nothing is registered JVM-wide either way. An identity whose private key cannot be read (a key in a token) gets
     * {@link TlsProvider#JDK} whatever is asked. If unset, {@link TlsProvider#JDK}.
     */
    public B tlsProvider(TlsProvider tlsProvider) {
      this.tlsProvider = Objects.requireNonNull(tlsProvider);
      return self();
    }

    /**
     * A JSSE provider of your own for this context only, instead of {@link #tlsProvider}; nothing is
     * registered globally. Mind its JCA: {@code new BouncyCastleJsseProvider(new
     * BouncyCastleProvider())} protects records with Bouncy Castle's pure-Java AES-GCM, several times
     * slower than {@link TlsProvider#BOUNCY_CASTLE}, which hands that to the JDK. If unset, {@link
     * #tlsProvider} decides.
     */
    public B provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider);
      return self();
    }

    /** Told about every refused handshake, with its cause. If unset, only the System.Logger is. */
    public B listener(HandshakeListener listener) {
      this.listener = Objects.requireNonNull(listener);
      return self();
    }

    /** Told about reloads and refused files. If unset, only the System.Logger is. */
    public B reloadListener(ReloadListener listener) {
      this.reloadListener = Objects.requireNonNull(listener);
      return self();
    }

    /**
     * How often handshakes look whether identity and trust files changed (on the injected clock).
     * If unset, 2 seconds; {@link Duration#ZERO} checks on every handshake.
     */
    public B reloadCheckInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("negative reload check interval");
      }
      this.reloadCheckInterval = interval;
      return self();
    }

    /** Seals the configuration and creates the context. */
    public MutualTls build() {
      if (trust == null) {
        throw new IllegalStateException("no trust bundle: call trust(...) with the CAs that issue "
            + "your peers' certificates");
      }
      return new MutualTls(this, this instanceof ServerBuilder);
    }
  }

  /** Builds a server context. */
  public static final class ServerBuilder extends Builder<ServerBuilder> {
    private ServerBuilder(TlsIdentity identity) {
      super(identity);
    }

    /**
     * Whether clients must present a certificate. If unset, {@link ClientAuth#REQUIRED}; with
     * OPTIONAL, a client that presents one is still fully verified.
     */
    public ServerBuilder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth);
      return this;
    }

    /**
     * How long a client may resume a TLS session. A resumed handshake carries no certificate, so
     * the chain, revocation and policy checks of the full handshake are not repeated: a client
     * revoked meanwhile can resume until the session times out. If unset, 5 minutes (the JDK's
     * default is 24 hours).
     */
    public ServerBuilder sessionTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("session timeout must be positive: " + timeout);
      }
      this.sessionTimeout = timeout;
      return this;
    }
  }

  /** Builds a client context. */
  public static final class ClientBuilder extends Builder<ClientBuilder> {
    private ClientBuilder(TlsIdentity identity) {
      super(identity);
    }

    /**
     * The name the server's certificate must carry, also sent as SNI. If unset, the host name the
     * socket or engine connects to (SNI when set, else the peer host).
     */
    public ClientBuilder serverName(String name) {
      this.serverName = Objects.requireNonNull(name);
      return this;
    }
  }
}
