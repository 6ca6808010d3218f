package dev.padlock.tls;

import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.reload.ReloadListener;
import dev.padlock.tls.revocation.ParsedCrl;
import dev.padlock.tls.revocation.RevocationChecker;
import dev.padlock.tls.revocation.RevocationStatus;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where revocation data comes from and what to do without it. A certificate revoked by its CA
 * (RFC 5280 section 5: CRLs; RFC 6960: OCSP) is refused even though its signature and dates are
 * fine.
 *
 * <p>CRLs come from files or URLs; each is cached, its signature checked against the issuer in the
 * verified chain (so a forged CRL is never believed), and looked up in constant time per handshake.
 * A CRL is re-read every refresh interval (default 5 minutes), shortly before its nextUpdate, when its
 * file changes, and on {@link #refreshNow}. OCSP asks the responder named in the certificate's AIA
 * extension, or a given URL, and caches answers.
 *
 * <p>The peer's leaf certificate must have a fresh answer: when no CRL of its issuer is loaded and
 * OCSP gives no answer, or the data is past its nextUpdate, the handshake is refused (fail closed),
 * unless {@link Builder#softFail()} was chosen. Intermediates are checked whenever a CRL of their
 * issuer is loaded.
 *
 * <p>The configuration is immutable; the cache inside is shared by every context using this source.
 */
public final class RevocationSource {
  private static final RevocationSource NONE = new RevocationSource(new Builder());

  private final List<Path> crlFiles;
  private final List<URI> crlUrls;
  private final boolean ocsp;
  private final URI ocspResponder;
  private final Duration refreshInterval;
  private final boolean softFail;
  private final List<ReloadListener> listeners = new CopyOnWriteArrayList<>();
  private final RevocationChecker checker;

  private RevocationSource(Builder b) {
    this.crlFiles = List.copyOf(b.crlFiles);
    this.crlUrls = List.copyOf(b.crlUrls);
    this.ocsp = b.ocsp;
    this.ocspResponder = b.ocspResponder;
    this.refreshInterval = b.refreshInterval;
    this.softFail = b.softFail;
    if (b.listener != null) {
      listeners.add(b.listener);
    }
    this.checker = new RevocationChecker(crlFiles, crlUrls, ocsp, ocspResponder, refreshInterval,
        b.httpTimeout, listeners);
  }

  /** No revocation checking at all: revoked certificates are accepted. */
  public static RevocationSource none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this source checks nothing ({@link #none()}). */
  public boolean isNone() {
    return !checker.isEnabled();
  }

  /** Whether missing or stale data lets handshakes through (logged) instead of refusing them. */
  public boolean isSoftFail() {
    return softFail;
  }

  public Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * Checks a verified chain: {@code path} from the leaf up to (not including) the trust anchor,
   * {@code anchor} the trusted certificate that issued the last one.
   *
   * @throws PeerCertificateException {@link FailureCause#PEER_CERTIFICATE_REVOKED} with date and
   *     reason, or {@link FailureCause#REVOCATION_UNAVAILABLE} / {@link FailureCause#REVOCATION_STALE}
   *     for the leaf when failing closed
   */
  public void check(List<X509Certificate> path, X509Certificate anchor, Instant now)
      throws PeerCertificateException {
    if (isNone()) {
      return;
    }
    for (int i = 0; i < path.size(); i++) {
      X509Certificate cert = path.get(i);
      X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
      boolean leaf = i == 0;
      if (!leaf && !checker.hasCrlFor(issuer, now)) {
        continue;
      }
      RevocationStatus status = checker.status(cert, issuer, now, leaf);
      String who = cert.getSubjectX500Principal().getName() + " (serial "
          + cert.getSerialNumber().toString(16) + ")";
      if (status instanceof RevocationStatus.Revoked r) {
        throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_REVOKED,
            who + " revoked on " + r.date() + ", reason " + r.reasonName() + ", per " + r.source());
      }
      if (status instanceof RevocationStatus.Good) {
        continue;
      }
      boolean stale = status instanceof RevocationStatus.Stale;
      String detail = who + ": " + (stale ? ((RevocationStatus.Stale) status).detail()
          : ((RevocationStatus.Unavailable) status).detail());
      if (softFail) {
        System.getLogger("dev.padlock.tls.revocation").log(System.Logger.Level.WARNING,
            "soft-fail: accepting {0} without revocation data: {1}", who, detail);
        continue;
      }
      throw new PeerCertificateException(
          stale ? FailureCause.REVOCATION_STALE : FailureCause.REVOCATION_UNAVAILABLE, detail);
    }
  }

  /** Re-reads every CRL now (files and URLs) and forgets cached OCSP answers. */
  public void refreshNow(Instant now) {
    checker.refreshNow(now);
  }

  /** The CRLs now in use (loading them if they never were), for diagnostics. */
  public List<ParsedCrl> loadedCrls(Instant now) {
    return checker.loadedCrls(now);
  }

  /** Adds a listener told about CRL reloads and refused CRL files. */
  public void addListener(ReloadListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "RevocationSource[none]";
    }
    return "RevocationSource[crlFiles=" + crlFiles + ", crlUrls=" + crlUrls + ", ocsp=" + ocsp
        + (ocspResponder == null ? "" : " via " + ocspResponder) + ", refresh=" + refreshInterval
        + (softFail ? ", soft-fail" : ", fail-closed") + "]";
  }

  /** Collects CRL and OCSP settings. */
  public static final class Builder {
    private final List<Path> crlFiles = new ArrayList<>();
    private final List<URI> crlUrls = new ArrayList<>();
    private boolean ocsp;
    private URI ocspResponder;
    private Duration refreshInterval = Duration.ofMinutes(5);
    private Duration httpTimeout = Duration.ofSeconds(10);
    private boolean softFail;
    private ReloadListener listener;

    private Builder() {}

    /** A CRL file (PEM or DER), re-read when it changes. May be called again for more CRLs. */
    public Builder crlFile(Path file) {
      crlFiles.add(Objects.requireNonNull(file));
      return this;
    }

    /** A CRL URL (http or https), fetched with GET. May be called again for more CRLs. */
    public Builder crlUrl(URI url) {
      crlUrls.add(Objects.requireNonNull(url));
      return this;
    }

    /**
     * Ask OCSP about the leaf when no CRL answers, using the responder in the certificate's AIA
     * extension. If unset, OCSP is not used.
     */
    public Builder ocsp() {
      this.ocsp = true;
      return this;
    }

    /** Ask this OCSP responder instead of the one in the AIA extension. If unset, AIA. */
    public Builder ocspResponder(URI url) {
      this.ocsp = true;
      this.ocspResponder = Objects.requireNonNull(url);
      return this;
    }

    /** How often CRLs are re-read and OCSP answers re-asked. If unset, 5 minutes. */
    public Builder refreshInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("refresh interval must be positive: " + interval);
      }
      this.refreshInterval = interval;
      return this;
    }

    /** Connect and read timeout for CRL and OCSP requests. If unset, 10 seconds. */
    public Builder httpTimeout(Duration timeout) {
      this.httpTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Accept a peer (and log a warning) when revocation data is missing or stale. A certificate
     * that is known to be revoked is still refused. If unset, fail closed: refuse the peer.
     */
    public Builder softFail() {
      this.softFail = true;
      return this;
    }

    /** Told about CRL reloads and refused CRL files. If unset, only the System.Logger is. */
    public Builder listener(ReloadListener listener) {
      this.listener = listener;
      return this;
    }

    public RevocationSource build() {
      return new RevocationSource(this);
    }
  }
}
