package dev.padlock.tls.revocation;

import dev.padlock.tls.reload.ReloadListener;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The revocation logic behind {@code RevocationSource}: cached CRLs (O(1) lookups by serial) and an
 * OCSP client with a cache. For each certificate it answers good, revoked, unavailable or stale.
 */
public final class RevocationChecker {
  private final List<CrlSource> crls;
  private final OcspChecker ocsp;

  public RevocationChecker(List<Path> crlFiles, List<URI> crlUrls, boolean ocspEnabled,
      URI ocspResponder, Duration refreshInterval, Duration httpTimeout,
      List<ReloadListener> listeners) {
    List<CrlSource> s = new ArrayList<>();
    for (Path f : crlFiles) {
      s.add(new CrlSource(f, null, refreshInterval, httpTimeout, listeners));
    }
    for (URI u : crlUrls) {
      s.add(new CrlSource(null, u, refreshInterval, httpTimeout, listeners));
    }
    this.crls = List.copyOf(s);
    this.ocsp = ocspEnabled ? new OcspChecker(ocspResponder, refreshInterval, httpTimeout) : null;
  }

  /** Whether any CRL or OCSP is configured. */
  public boolean isEnabled() {
    return !crls.isEmpty() || ocsp != null;
  }

  /**
   * The status of a certificate issued by {@code issuer} (a certificate of an already verified
   * chain): first from a CRL of that issuer, then, if the CRL gives no answer and OCSP is enabled and
   * {@code useOcsp}, from OCSP.
   */
  public RevocationStatus status(X509Certificate cert, X509Certificate issuer, Instant now,
      boolean useOcsp) {
    RevocationStatus fromCrl = crlStatus(cert, issuer, now);
    if (fromCrl instanceof RevocationStatus.Good || fromCrl instanceof RevocationStatus.Revoked
        || ocsp == null || !useOcsp) {
      return fromCrl;
    }
    RevocationStatus fromOcsp = ocsp.status(cert, issuer, now);
    if (fromOcsp instanceof RevocationStatus.Good || fromOcsp instanceof RevocationStatus.Revoked) {
      return fromOcsp;
    }
    // Neither answered: say stale if either had stale data, else unavailable; keep both details.
    String detail = detail(fromCrl) + "; " + detail(fromOcsp);
    return fromCrl instanceof RevocationStatus.Stale || fromOcsp instanceof RevocationStatus.Stale
        ? new RevocationStatus.Stale(detail) : new RevocationStatus.Unavailable(detail);
  }

  /** Whether some CRL source currently holds a CRL of this issuer (for best-effort checks). */
  public boolean hasCrlFor(X509Certificate issuer, Instant now) {
    for (CrlSource s : crls) {
      ParsedCrl c = s.current(now);
      if (c != null && c.issuer().equals(issuer.getSubjectX500Principal())) {
        return true;
      }
    }
    return false;
  }

  /** Re-reads every CRL now and forgets cached OCSP answers. */
  public void refreshNow(Instant now) {
    for (CrlSource s : crls) {
      s.refreshNow(now);
    }
    if (ocsp != null) {
      ocsp.clear();
    }
  }

  /** The CRLs now loaded, for diagnostics. */
  public List<ParsedCrl> loadedCrls(Instant now) {
    List<ParsedCrl> out = new ArrayList<>();
    for (CrlSource s : crls) {
      Optional.ofNullable(s.current(now)).ifPresent(out::add);
    }
    return out;
  }

  private RevocationStatus crlStatus(X509Certificate cert, X509Certificate issuer, Instant now) {
    if (crls.isEmpty()) {
      return new RevocationStatus.Unavailable("no CRL configured");
    }
    List<String> problems = new ArrayList<>();
    RevocationStatus stale = null;
    for (CrlSource s : crls) {
      ParsedCrl loaded = s.current(now);
      if (loaded == null) {
        problems.add("CRL " + s.origin() + " not loaded: " + s.lastError());
        continue;
      }
      if (!loaded.issuer().equals(cert.getIssuerX500Principal())) {
        continue;
      }
      ParsedCrl crl = s.verifiedWith(issuer);
      if (crl == null) {
        problems.add("CRL " + s.origin() + " is not signed by "
            + issuer.getSubjectX500Principal().getName());
        continue;
      }
      String source = "CRL " + s.origin() + " (number " + crl.crlNumber() + ", thisUpdate "
          + crl.thisUpdate() + ")";
      Optional<RevokedSerials.Entry> entry = crl.revoked().find(cert.getSerialNumber());
      if (entry.isPresent() && entry.get().reasonCode() != 8) {
        return new RevocationStatus.Revoked(entry.get().revocationDate(), entry.get().reasonCode(),
            source);
      }
      if (crl.thisUpdate().isAfter(now.plus(Duration.ofMinutes(5)))) {
        problems.add(source + " is not valid before its thisUpdate");
        continue;
      }
      if (crl.nextUpdate() != null && now.isAfter(crl.nextUpdate())) {
        stale = new RevocationStatus.Stale(source + " is past its nextUpdate " + crl.nextUpdate()
            + (s.lastError() == null ? "" : "; refresh failed: " + s.lastError()));
        continue;
      }
      return new RevocationStatus.Good(source);
    }
    if (stale != null) {
      return stale;
    }
    if (problems.isEmpty()) {
      problems.add("no CRL from " + cert.getIssuerX500Principal().getName());
    }
    return new RevocationStatus.Unavailable(String.join("; ", problems));
  }

  private static String detail(RevocationStatus s) {
    if (s instanceof RevocationStatus.Unavailable u) {
      return u.detail();
    }
    if (s instanceof RevocationStatus.Stale st) {
      return st.detail();
    }
    return s.toString();
  }
}
