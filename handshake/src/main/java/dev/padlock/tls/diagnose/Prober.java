package dev.padlock.tls.diagnose;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.internal.Classifier;
import dev.padlock.tls.internal.PadlockKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Connects to a TLS server with padlock's own client (the same trust manager a service uses) and
 * names what went wrong, if anything: from our verification of the server, from the alert the server
 * sent, or from the connection itself. In TLS 1.3 a server refuses a client certificate only after
 * the client's side of the handshake is complete (RFC 8446 section 4.4.2.4), so when the server asked
 * for a certificate the prober waits briefly for that alert before saying OK. A failure with the
 * generic handshake_failure alert is probed again with every cipher suite the JDK has, to tell
 * "no common cipher suite" apart.
 */
public final class Prober {
  private final String host;
  private final int port;
  private final TrustBundle trust;
  private final TlsIdentity identity;
  private final List<MutualTls.Version> versions;
  private final String serverName;
  private final RevocationSource revocation;
  private final Clock clock;
  private final Duration timeout;
  private final Duration alertWait;

  private Prober(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.trust = b.trust;
    this.identity = b.identity;
    this.versions = b.versions;
    this.serverName = b.serverName != null ? b.serverName : b.host;
    this.revocation = b.revocation;
    this.clock = b.clock;
    this.timeout = b.timeout;
    this.alertWait = b.alertWait;
  }

  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** Runs the probe. Never throws for a failed handshake: the result names the cause. */
  public ProbeResult probe() {
    long start = System.nanoTime();
    TrustBundle bundle;
    try {
      bundle = trust != null ? trust : jdkDefaultTrust();
    } catch (IOException e) {
      return ProbeResult.failed(new Diagnosis(FailureCause.HANDSHAKE_FAILED,
          "cannot load the JDK's default trust store: " + e.getMessage()), elapsed(start));
    }
    MutualTls tls = context(bundle, null);
    Attempt a = attempt(tls, null);
    Duration time = elapsed(start);
    if (a.failure == null) {
      return new ProbeResult(Optional.empty(), a.protocol, a.suite, a.chain, time);
    }
    Diagnosis d = refine(Classifier.classify(a.failure), a, bundle);
    return ProbeResult.failed(d, time);
  }

  private record Attempt(Throwable failure, String protocol, String suite,
      List<X509Certificate> chain, int certificateRequests, boolean sentCertificate) {}

  private Diagnosis refine(Diagnosis d, Attempt a, TrustBundle bundle) {
    boolean askedButNone = a.certificateRequests > 0 && !a.sentCertificate;
    Optional<String> alert = Classifier.receivedAlert(a.failure);
    if (askedButNone && (d.cause() == FailureCause.OUR_CERTIFICATE_REFUSED
        || d.cause() == FailureCause.OUR_CERTIFICATE_UNTRUSTED
        || d.cause() == FailureCause.CLIENT_CERTIFICATE_REQUIRED
        || d.cause() == FailureCause.HANDSHAKE_FAILED)) {
      return new Diagnosis(FailureCause.CLIENT_CERTIFICATE_REQUIRED,
          "the server asked for a client certificate and we had none to send"
              + alert.map(x -> " (alert " + x + ")").orElse(""));
    }
    if (alert.isPresent() && (alert.get().equals("handshake_failure")
        || alert.get().equals("insufficient_security")) && a.certificateRequests == 0) {
      MutualTls all = context(bundle, allSuites());
      Attempt retry = attempt(all, all.sslParameters());
      boolean gotFurther = retry.failure == null
          || Classifier.peerCertificateException(retry.failure).isPresent()
          || retry.certificateRequests > 0;
      if (gotFurther) {
        return new Diagnosis(FailureCause.NO_COMMON_CIPHER_SUITE, "the server refused all of "
            + String.join(", ", MutualTls.AEAD_CIPHER_SUITES) + " (alert " + alert.get()
            + "); it accepts " + (retry.suite != null ? retry.suite : "a suite padlock does not "
            + "enable"));
      }
    }
    return d;
  }

  private MutualTls context(TrustBundle bundle, List<String> suites) {
    MutualTls.ClientBuilder b = identity == null ? MutualTls.clientWithoutCertificate()
        : MutualTls.client(identity);
    b.trust(bundle).revocation(revocation).peerPolicy(PeerPolicy.anyTrustedPeer())
        .serverName(serverName).clock(clock).versions(versions.toArray(MutualTls.Version[]::new));
    if (suites != null) {
      b.cipherSuites(suites.toArray(String[]::new));
    }
    return b.build();
  }

  private Attempt attempt(MutualTls tls, SSLParameters override) {
    PadlockKeyManager km = (PadlockKeyManager) tls.keyManager();
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    } catch (IOException e) {
      close(raw);
      return new Attempt(e, null, null, List.of(), 0, false);
    }
    try (SSLSocket s = (SSLSocket) tls.sslContext().getSocketFactory()
        .createSocket(raw, serverName, port, true)) {
      if (override != null) {
        s.setSSLParameters(override);
      }
      s.setSoTimeout((int) timeout.toMillis());
      s.startHandshake();
      String protocol = s.getSession().getProtocol();
      boolean sent = s.getSession().getLocalCertificates() != null;
      if ("TLSv1.3".equals(protocol) && km.certificateRequests() > 0) {
        Optional<IOException> refusal = awaitAlert(s);
        if (refusal.isPresent()) {
          return new Attempt(refusal.get(), protocol, s.getSession().getCipherSuite(), List.of(),
              km.certificateRequests(), sent);
        }
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : s.getSession().getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      return new Attempt(null, protocol, s.getSession().getCipherSuite(), chain,
          km.certificateRequests(), sent);
    } catch (IOException e) {
      boolean sent = identity != null && km.certificateRequests() > 0;
      return new Attempt(e, null, null, List.of(), km.certificateRequests(), sent);
    }
  }

  /** Reads briefly after a TLS 1.3 handshake: a refusal of our certificate arrives as an alert. */
  private Optional<IOException> awaitAlert(SSLSocket s) {
    try {
      s.setSoTimeout((int) Math.max(1, alertWait.toMillis()));
      InputStream in = s.getInputStream();
      in.read();
      return Optional.empty(); // data or a clean close: the server accepted us
    } catch (SocketTimeoutException e) {
      return Optional.empty(); // no alert in time: accepted
    } catch (SSLException e) {
      return Optional.of(e);
    } catch (IOException e) {
      return Optional.of(new SSLException("connection lost after the handshake: " + e, e));
    }
  }

  private static List<String> allSuites() {
    try {
      return List.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters()
          .getCipherSuites());
    } catch (java.security.NoSuchAlgorithmException e) {
      return MutualTls.AEAD_CIPHER_SUITES;
    }
  }

  private static TrustBundle jdkDefaultTrust() throws IOException {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (var tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return TrustBundle.of(x.getAcceptedIssuers());
        }
      }
      throw new IOException("no X.509 trust manager");
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Settings of one probe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private TrustBundle trust;
    private TlsIdentity identity;
    private List<MutualTls.Version> versions = List.of(MutualTls.Version.TLS_1_3,
        MutualTls.Version.TLS_1_2);
    private String serverName;
    private RevocationSource revocation = RevocationSource.none();
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(5);
    private Duration alertWait = Duration.ofSeconds(1);

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host);
      this.port = port;
    }

    /** Whom to trust for the server's certificate. If unset, the JDK's default CA certificates. */
    public Builder trust(TrustBundle bundle) {
      this.trust = bundle;
      return this;
    }

    /** Our client certificate and key. If unset, none is sent. */
    public Builder identity(TlsIdentity identity) {
      this.identity = identity;
      return this;
    }

    /** Only this TLS version. If unset, TLS 1.3 and TLS 1.2. */
    public Builder version(MutualTls.Version version) {
      this.versions = List.of(version);
      return this;
    }

    /** The name sent as SNI and checked in the certificate. If unset, the host. */
    public Builder serverName(String name) {
      this.serverName = name;
      return this;
    }

    /** Revocation checking of the server's certificate. If unset, none. */
    public Builder revocation(RevocationSource source) {
      this.revocation = Objects.requireNonNull(source);
      return this;
    }

    /** The clock for validity and revocation times. If unset, system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Connect and handshake timeout. If unset, 5 seconds. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * How long to wait, after a TLS 1.3 handshake in which the server asked for our certificate,
     * for the server to refuse it. If unset, 1 second.
     */
    public Builder alertWait(Duration wait) {
      this.alertWait = Objects.requireNonNull(wait);
      return this;
    }

    public Prober build() {
      return new Prober(this);
    }
  }
}
