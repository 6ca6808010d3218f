package dev.padlock.tls.internal;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Server identity check (RFC 6125, RFC 9110 section 4.3.4): the name we connected to must be one of
 * the certificate's SAN DNS names (a wildcard only as the whole left-most label, matching exactly one
 * label), or, for an IP address, one of its SAN IP addresses. The subject CN is not consulted.
 */
public final class HostnameMatcher {
  private HostnameMatcher() {}

  /** Whether the certificate is for the host (a DNS name or an IP literal). */
  public static boolean matches(X509Certificate cert, String host) {
    CertNames names = CertNames.of(cert);
    InetAddress ip = CertNames.ipLiteral(host);
    if (ip != null) {
      return names.ips().contains(ip);
    }
    String h = normalize(host);
    for (String pattern : names.dns()) {
      if (matchesPattern(pattern, h)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a DNS name matches a pattern (exact, or {@code *.rest} matching one label). */
  public static boolean matchesPattern(String pattern, String name) {
    String p = normalize(pattern);
    String n = normalize(name);
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      if (!n.endsWith(suffix) || suffix.chars().filter(c -> c == '.').count() < 2) {
        return false;
      }
      String label = n.substring(0, n.length() - suffix.length());
      return !label.isEmpty() && label.indexOf('.') < 0;
    }
    return p.equals(n);
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
