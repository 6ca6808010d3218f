package dev.padlock.tls.internal;

import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.diagnose.PeerRole;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * padlock's trust manager: verifies the peer with the current {@link PeerVerifier} (which the
 * reloader swaps when the trust bundle changes; this object stays, so the SSLContext is never
 * re-initialised). Refusals throw {@link PeerCertificateException}; the TLS stack turns that into a
 * standard alert for the peer, and the detail goes to the listener and the log.
 */
public final class PadlockTrustManager extends X509ExtendedTrustManager {
  private final Function<Instant, PeerVerifier> verifier;
  private final Clock clock;
  private final FailureReporter reporter;
  private final String expectedServerName;

  /**
   * @param expectedServerName for a client, the name the server's certificate must carry; if null,
   *     the SNI name we sent, else the host we connected to
   */
  public PadlockTrustManager(Function<Instant, PeerVerifier> verifier, Clock clock,
      FailureReporter reporter, String expectedServerName) {
    this.verifier = verifier;
    this.clock = clock;
    this.reporter = reporter;
    this.expectedServerName = expectedServerName;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, null, peer(socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, null, peer(engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, null, "unknown peer");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    String host = expectedServerName;
    if (host == null && socket instanceof SSLSocket s) {
      host = hostOf(s.getSSLParameters(), s.getHandshakeSession());
    }
    verify(chain, PeerRole.SERVER, requireHost(host, chain, peer(socket)), peer(socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    String host = expectedServerName;
    if (host == null && engine != null) {
      host = hostOf(engine.getSSLParameters(), engine.getHandshakeSession());
      if (host == null) {
        host = engine.getPeerHost();
      }
    }
    verify(chain, PeerRole.SERVER, requireHost(host, chain, peer(engine)), peer(engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, PeerRole.SERVER, requireHost(expectedServerName, chain, "unknown peer"),
        "unknown peer");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return verifier.apply(clock.instant()).bundle().anchors().toArray(X509Certificate[]::new);
  }

  private void verify(X509Certificate[] chain, PeerRole role, String host, String peer)
      throws PeerCertificateException {
    List<X509Certificate> list = chain == null ? List.of() : Arrays.asList(chain);
    Instant now = clock.instant();
    try {
      verifier.apply(now).verify(list, role, host, now);
    } catch (PeerCertificateException e) {
      reporter.refusedPeer(new Diagnosis(e.failureCause(), e.detail()), peer, list);
      throw e;
    }
  }

  /** Hostname verification is on for clients: with no name to check, refuse. */
  private String requireHost(String host, X509Certificate[] chain, String peer)
      throws PeerCertificateException {
    if (host == null || host.isEmpty()) {
      PeerCertificateException e = new PeerCertificateException(
          FailureCause.PEER_CERTIFICATE_WRONG_HOST,
          "no host name to verify the server certificate against; set the server name");
      reporter.refusedPeer(new Diagnosis(e.failureCause(), e.detail()), peer,
          chain == null ? List.of() : Arrays.asList(chain));
      throw e;
    }
    return host;
  }

  private static String hostOf(SSLParameters params, SSLSession session) {
    if (params != null && params.getServerNames() != null) {
      for (SNIServerName n : params.getServerNames()) {
        if (n instanceof SNIHostName h) {
          return h.getAsciiName();
        }
      }
    }
    return session == null ? null : session.getPeerHost();
  }

  static String peer(Socket s) {
    return s == null || s.getRemoteSocketAddress() == null ? "unknown peer"
        : s.getRemoteSocketAddress().toString();
  }

  static String peer(SSLEngine e) {
    return e == null || e.getPeerHost() == null ? "unknown peer"
        : e.getPeerHost() + ":" + e.getPeerPort();
  }
}
