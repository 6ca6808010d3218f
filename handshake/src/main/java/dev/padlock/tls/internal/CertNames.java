package dev.padlock.tls.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The names in a certificate, by kind: SAN DNS, URI, IP, email, and the subject CN. */
public record CertNames(List<String> dns, List<String> uris, List<InetAddress> ips,
    List<String> emails, List<String> commonNames) {

  public static CertNames of(X509Certificate cert) {
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (!(san.get(1) instanceof String value)) {
            continue;
          }
          switch ((Integer) san.get(0)) {
            case 1 -> emails.add(value);
            case 2 -> dns.add(value.toLowerCase(Locale.ROOT));
            case 6 -> uris.add(value);
            case 7 -> {
              InetAddress a = ipLiteral(value);
              if (a != null) {
                ips.add(a);
              }
            }
            default -> { }
          }
        }
      }
    } catch (CertificateParsingException e) {
      // An unreadable SAN extension gives no names: nothing matches.
    }
    List<String> cns = new ArrayList<>();
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      ASN1Encodable v = rdn.getFirst().getValue();
      cns.add(IETFUtils.valueToString(v));
    }
    return new CertNames(dns, uris, ips, emails, cns);
  }

  /** Parses an IPv4 or IPv6 literal without any DNS lookup; null if it is not one. */
  public static InetAddress ipLiteral(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    boolean v4 = t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
        && t.chars().filter(c -> c == '.').count() == 3;
    boolean v6 = t.indexOf(':') >= 0
        && t.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
