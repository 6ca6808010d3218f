package dev.padlock.tls.trace;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.diagnose.PeerRole;
import dev.padlock.tls.internal.PeerVerifier;
import dev.padlock.tls.trace.HandshakeTrace.ChainVerdict;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trace's verdict on the server's chain, by the same {@link PeerVerifier} that padlock's trust
 * manager uses: a path to an anchor of the bundle, validity at the clock's time, RFC 5280 path
 * validation, revocation (when a {@link RevocationSource} is given), EKU serverAuth and key usage,
 * and the host name. It also says, per certificate, what is known about revocation.
 */
final class ServerChainCheck {
  private final PeerVerifier verifier;
  private final RevocationSource revocation;
  private final String anchorsOrigin;

  /** A check's result: the verdict, and a revocation note per certificate of the sent chain. */
  record Result(ChainVerdict verdict, Map<X509Certificate, String> revocation) {}

  private ServerChainCheck(TrustBundle bundle, RevocationSource revocation, String anchorsOrigin) {
    this.verifier = new PeerVerifier(bundle, revocation, null);
    this.revocation = revocation;
    this.anchorsOrigin = anchorsOrigin;
  }

  static ServerChainCheck of(TrustBundle bundle, RevocationSource revocation) {
    return new ServerChainCheck(bundle, revocation, "the trust bundle");
  }

  /** The JDK's default trust anchors (its cacerts), when no trust bundle is given. */
  static ServerChainCheck jdkDefault(RevocationSource revocation) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      List<X509Certificate> anchors = new ArrayList<>();
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          anchors.addAll(List.of(x.getAcceptedIssuers()));
        }
      }
      return new ServerChainCheck(TrustBundle.of(anchors.toArray(X509Certificate[]::new)),
          revocation, "the JDK's default trust store");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JDK's default trust anchors: " + e, e);
    }
  }

  /**
   * Checks a chain as sent by the server (leaf first).
   *
   * @param hostName the name to match, or null to skip the name check
   */
  Result check(List<X509Certificate> chain, String hostName, Instant at) {
    Map<X509Certificate, String> notes = new HashMap<>();
    String unchecked = revocation.isNone()
        ? "not checked (no CRL or OCSP configured)" : "not checked (the chain was refused first)";
    for (X509Certificate c : chain) {
      notes.put(c, unchecked);
    }
    try {
      PeerVerifier.VerifiedPath path = verifier.verify(chain, PeerRole.SERVER, hostName, at);
      if (!revocation.isNone() && !path.path().isEmpty()) {
        X509Certificate leaf = path.path().get(0);
        notes.put(leaf, revocation.isSoftFail()
            ? "not known to be revoked (soft-fail: missing data would have been accepted)"
            : "not revoked (checked against " + revocation + ")");
        for (X509Certificate c : path.path().subList(1, path.path().size())) {
          notes.put(c, "not revoked, if a CRL of its issuer is loaded (else not checked)");
        }
      }
      return new Result(new ChainVerdict(true, Optional.empty(), "chains to "
          + path.anchor().getSubjectX500Principal().getName() + " in " + anchorsOrigin
          + (hostName == null ? "" : "; valid for " + hostName)), notes);
    } catch (PeerCertificateException e) {
      FailureCause cause = e.failureCause();
      if (cause == FailureCause.PEER_CERTIFICATE_REVOKED && !chain.isEmpty()) {
        notes.put(named(chain, e.detail()), "revoked: " + e.detail());
      } else if (cause == FailureCause.REVOCATION_UNAVAILABLE
          || cause == FailureCause.REVOCATION_STALE) {
        notes.put(chain.get(0), "unknown: " + e.detail());
      }
      return new Result(new ChainVerdict(false, Optional.of(cause), e.detail()), notes);
    }
  }

  /** The certificate a refusal names (by subject), else the leaf. */
  private static X509Certificate named(List<X509Certificate> chain, String detail) {
    for (X509Certificate c : chain) {
      if (detail.contains(c.getSubjectX500Principal().getName())) {
        return c;
      }
    }
    return chain.get(0);
  }
}
