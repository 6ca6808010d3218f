package dev.padlock.ca.issue;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * One subject alternative name (RFC 5280 §4.2.1.6): a DNS name, an IP address, a URI (SPIFFE IDs
 * included) or an email address. Written {@code dns:host}, {@code ip:10.0.0.1}, {@code uri:spiffe://…},
 * {@code email:a@b}; without a prefix the type is inferred.
 */
public record SubjectAltName(Type type, String value) {
  public enum Type {
    DNS("dns", GeneralName.dNSName),
    IP("ip", GeneralName.iPAddress),
    URI("uri", GeneralName.uniformResourceIdentifier),
    EMAIL("email", GeneralName.rfc822Name);

    private final String prefix;
    private final int tag;

    Type(String prefix, int tag) {
      this.prefix = prefix;
      this.tag = tag;
    }

    public String prefix() {
      return prefix;
    }

    int tag() {
      return tag;
    }
  }

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  public SubjectAltName {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  public static SubjectAltName dns(String name) {
    return parse("dns:" + name);
  }

  /** Parses {@code type:value}, or infers the type: an IP literal, a URI with {@code ://}, an address with @. */
  public static SubjectAltName parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.indexOf(':');
    if (colon > 0) {
      String prefix = t.substring(0, colon).toLowerCase(Locale.ROOT);
      String rest = t.substring(colon + 1);
      switch (prefix) {
        case "dns": return new SubjectAltName(Type.DNS, checkDns(rest, text));
        case "ip": return new SubjectAltName(Type.IP, checkIp(rest, text));
        case "uri": return new SubjectAltName(Type.URI, checkUri(rest, text));
        case "email": return new SubjectAltName(Type.EMAIL, checkEmail(rest, text));
        default: break;
      }
    }
    if (t.contains("://")) {
      return new SubjectAltName(Type.URI, checkUri(t, text));
    }
    if (t.contains("@")) {
      return new SubjectAltName(Type.EMAIL, checkEmail(t, text));
    }
    if (IPV4.matcher(t).matches() || t.contains(":")) {
      return new SubjectAltName(Type.IP, checkIp(t, text));
    }
    return new SubjectAltName(Type.DNS, checkDns(t, text));
  }

  /** True if {@code text} is a syntactically valid DNS name (no wildcard). */
  public static boolean isDnsName(String text) {
    try {
      checkDns(text, text);
      return !text.startsWith("*.");
    } catch (PadlockException e) {
      return false;
    }
  }

  static String checkDns(String name, String original) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    String body = n.startsWith("*.") ? n.substring(2) : n;
    if (body.isEmpty() || n.length() > 253) {
      throw invalid(original, "not a DNS name");
    }
    for (String label : body.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid(original, "not a DNS name (labels are letters, digits and inner hyphens, up to 63 each)");
      }
    }
    return n;
  }

  static String checkIp(String ip, String original) {
    String s = ip.trim();
    if (IPV4.matcher(s).matches()) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw invalid(original, "not an IPv4 address");
        }
      }
    } else if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
      throw invalid(original, "not an IP address");
    }
    try {
      // Only literals reach here (checked above), so this never resolves a name.
      return InetAddress.getByName(s).getHostAddress();
    } catch (UnknownHostException e) {
      throw invalid(original, "not an IP address");
    }
  }

  static String checkUri(String uri, String original) {
    try {
      URI u = new URI(uri.trim());
      if (!u.isAbsolute() || u.getScheme() == null) {
        throw invalid(original, "a URI SAN must be absolute, e.g. spiffe://example.org/device/42");
      }
      return u.toString();
    } catch (URISyntaxException e) {
      throw invalid(original, "not a URI");
    }
  }

  static String checkEmail(String email, String original) {
    String e = email.trim();
    int at = e.lastIndexOf('@');
    if (at <= 0 || at == e.length() - 1 || e.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw invalid(original, "not an email address");
    }
    return e.substring(0, at) + "@" + checkDns(e.substring(at + 1), original);
  }

  private static PadlockException invalid(String original, String why) {
    return new PadlockException(ErrorCode.INVALID_NAME, "invalid subject alternative name '" + original + "': " + why);
  }

  public GeneralName toGeneralName() {
    return new GeneralName(type.tag(), value);
  }

  /** Reads a name from a certificate or CSR; empty if padlock does not issue that kind. */
  public static java.util.Optional<SubjectAltName> of(GeneralName g) {
    String v = g.getName().toString();
    return switch (g.getTagNo()) {
      case GeneralName.dNSName -> java.util.Optional.of(new SubjectAltName(Type.DNS, v));
      case GeneralName.uniformResourceIdentifier -> java.util.Optional.of(new SubjectAltName(Type.URI, v));
      case GeneralName.rfc822Name -> java.util.Optional.of(new SubjectAltName(Type.EMAIL, v));
      case GeneralName.iPAddress -> {
        byte[] b = org.bouncycastle.asn1.DEROctetString.getInstance(g.getName()).getOctets();
        try {
          yield java.util.Optional.of(new SubjectAltName(Type.IP, InetAddress.getByAddress(b).getHostAddress()));
        } catch (UnknownHostException e) {
          yield java.util.Optional.empty();
        }
      }
      default -> java.util.Optional.empty();
    };
  }

  /** {@code dns:host.example}, the form users type and the store keeps. */
  @Override
  public String toString() {
    return type.prefix() + ":" + value;
  }
}
