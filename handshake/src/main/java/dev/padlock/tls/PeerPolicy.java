package dev.padlock.tls;

import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.internal.CertNames;
import dev.padlock.tls.internal.HostnameMatcher;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may connect, once their certificate chain has been verified: an allow-list over the names in
 * the peer's leaf certificate. A peer is allowed if any one of its names matches any one entry:
 * subjectAltName DNS names (an entry {@code *.example.org} matches exactly one label), URIs (such as
 * SPIFFE IDs, {@code spiffe://trust-domain/path}, exact or by prefix), IP addresses, email addresses
 * (RFC 5280 section 4.2.1.6), or the subject's common name.
 *
 * <p>An empty policy allows no one: a server built without a policy refuses every client (fail
 * closed). {@link #anyTrustedPeer()} says out loud that any peer whose chain verified is welcome.
 * Immutable; the check is pure and runs after chain, revocation, key usage and host name checks.
 */
public final class PeerPolicy {
  private static final PeerPolicy ANY = new PeerPolicy(new Builder(), true);
  private static final PeerPolicy NONE = new PeerPolicy(new Builder(), false);

  private final Set<String> dnsNames;
  private final Set<String> uris;
  private final Set<String> uriPrefixes;
  private final Set<InetAddress> ips;
  private final Set<String> emails;
  private final Set<String> commonNames;
  private final boolean anyTrusted;

  private PeerPolicy(Builder b, boolean anyTrusted) {
    this.dnsNames = Set.copyOf(b.dnsNames);
    this.uris = Set.copyOf(b.uris);
    this.uriPrefixes = Set.copyOf(b.uriPrefixes);
    this.ips = Set.copyOf(b.ips);
    this.emails = Set.copyOf(b.emails);
    this.commonNames = Set.copyOf(b.commonNames);
    this.anyTrusted = anyTrusted;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Allows any peer whose certificate chain verified against the trust bundle. */
  public static PeerPolicy anyTrustedPeer() {
    return ANY;
  }

  /** Allows no one (the same as an empty policy). */
  public static PeerPolicy denyAll() {
    return NONE;
  }

  /** Whether this policy allows no one. */
  public boolean isEmpty() {
    return !anyTrusted && dnsNames.isEmpty() && uris.isEmpty() && uriPrefixes.isEmpty()
        && ips.isEmpty() && emails.isEmpty() && commonNames.isEmpty();
  }

  /**
   * Checks a verified peer leaf certificate against the policy.
   *
   * @throws PeerCertificateException with {@link FailureCause#PEER_NOT_ALLOWED} if no name matches
   */
  public void check(X509Certificate leaf) throws PeerCertificateException {
    if (match(leaf).isEmpty()) {
      CertNames n = CertNames.of(leaf);
      throw new PeerCertificateException(FailureCause.PEER_NOT_ALLOWED,
          isEmpty() ? "the peer policy is empty and allows no one"
              : "no name of " + leaf.getSubjectX500Principal().getName() + " is allowed (DNS "
                  + n.dns() + ", URI " + n.uris() + ", IP " + n.ips() + ", email " + n.emails()
                  + ")");
    }
  }

  /** The policy entry that allows this leaf, e.g. {@code "URI:spiffe://example.org/api"}. */
  public Optional<String> match(X509Certificate leaf) {
    if (anyTrusted) {
      return Optional.of("any trusted peer");
    }
    CertNames n = CertNames.of(leaf);
    for (String d : n.dns()) {
      for (String allowed : dnsNames) {
        if (HostnameMatcher.matchesPattern(allowed, d)) {
          return Optional.of("DNS:" + allowed);
        }
      }
    }
    for (String u : n.uris()) {
      if (uris.contains(u)) {
        return Optional.of("URI:" + u);
      }
      for (String p : uriPrefixes) {
        if (u.startsWith(p)) {
          return Optional.of("URI prefix:" + p);
        }
      }
    }
    for (InetAddress a : n.ips()) {
      if (ips.contains(a)) {
        return Optional.of("IP:" + a.getHostAddress());
      }
    }
    for (String e : n.emails()) {
      if (emails.contains(e.toLowerCase(Locale.ROOT))) {
        return Optional.of("email:" + e);
      }
    }
    for (String cn : n.commonNames()) {
      if (commonNames.contains(cn)) {
        return Optional.of("CN:" + cn);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    if (anyTrusted) {
      return "PeerPolicy[any trusted peer]";
    }
    return "PeerPolicy[dns=" + dnsNames + ", uri=" + uris + ", uriPrefix=" + uriPrefixes + ", ip="
        + ips + ", email=" + emails + ", cn=" + commonNames + "]";
  }

  /** Collects allowed names. Each method may be called many times; entries add up. */
  public static final class Builder {
    private final Set<String> dnsNames = new LinkedHashSet<>();
    private final Set<String> uris = new LinkedHashSet<>();
    private final Set<String> uriPrefixes = new LinkedHashSet<>();
    private final Set<InetAddress> ips = new LinkedHashSet<>();
    private final Set<String> emails = new LinkedHashSet<>();
    private final Set<String> commonNames = new LinkedHashSet<>();

    private Builder() {}

    /** SAN DNS names; {@code *.example.org} matches one label. If unset, none are allowed. */
    public Builder allowDnsName(String... names) {
      for (String n : names) {
        dnsNames.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Exact SAN URIs, e.g. SPIFFE IDs. If unset, none are allowed. */
    public Builder allowUri(String... values) {
      for (String u : values) {
        uris.add(Objects.requireNonNull(u));
      }
      return this;
    }

    /**
     * SAN URIs starting with a prefix, e.g. {@code spiffe://example.org/} for a whole SPIFFE trust
     * domain. If unset, none are allowed.
     */
    public Builder allowUriPrefix(String... prefixes) {
      for (String p : prefixes) {
        uriPrefixes.add(Objects.requireNonNull(p));
      }
      return this;
    }

    /**
     * SAN IP addresses (IPv4 or IPv6 literals).
     *
     * @throws IllegalArgumentException if a value is not an IP literal. If unset, none are allowed.
     */
    public Builder allowIpAddress(String... addresses) {
      for (String a : addresses) {
        InetAddress ip = CertNames.ipLiteral(a);
        if (ip == null) {
          throw new IllegalArgumentException("not an IP address literal: " + a);
        }
        ips.add(ip);
      }
      return this;
    }

    /** SAN email addresses (rfc822Name), compared case-insensitively. If unset, none are allowed. */
    public Builder allowEmail(String... addresses) {
      for (String e : addresses) {
        emails.add(e.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Subject common names, exact. If unset, none are allowed. */
    public Builder allowCommonName(String... names) {
      for (String n : names) {
        commonNames.add(Objects.requireNonNull(n));
      }
      return this;
    }

    public PeerPolicy build() {
      return new PeerPolicy(this, false);
    }
  }
}
