package dev.padlock.ca.issue;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which names a profile may put in a certificate. An empty policy allows any name. Once any rule is
 * set, every name must match a rule of its own type (a policy with only DNS rules refuses every email
 * address), and the common name must be one of the allowed SANs or an allowed DNS name.
 *
 * <ul>
 *   <li>DNS: {@code host.example.com} allows that name; {@code .example.com} or {@code *.example.com}
 *       allows any name below it (not the apex).
 *   <li>IP: CIDR ranges, {@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a /32 or /128.
 *   <li>URI: prefixes, {@code spiffe://example.org/}.
 *   <li>Email: a domain ({@code example.com}) or a full address.
 * </ul>
 */
public record NamePolicy(List<String> dns, List<String> ip, List<String> uri, List<String> email) {
  public static final NamePolicy ALLOW_ANY = new NamePolicy(List.of(), List.of(), List.of(), List.of());

  public NamePolicy {
    dns = dns.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    ip = ip.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    uri = uri.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    email = email.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    for (String range : ip) {
      parseCidr(range); // fails early on a bad config
    }
  }

  public boolean allowsAny() {
    return dns.isEmpty() && ip.isEmpty() && uri.isEmpty() && email.isEmpty();
  }

  /**
   * @throws PadlockException {@link ErrorCode#NAME_NOT_ALLOWED} naming the first name outside the policy
   */
  public void check(String profile, String commonName, Collection<SubjectAltName> sans) {
    if (allowsAny()) {
      return;
    }
    for (SubjectAltName san : sans) {
      if (!allows(san)) {
        throw new PadlockException(ErrorCode.NAME_NOT_ALLOWED, "name " + san + " is not allowed by the policy of profile '"
            + profile + "' (allowed: " + describe() + ")");
      }
    }
    boolean cnIsSan = sans.stream().anyMatch(s -> s.value().equalsIgnoreCase(commonName));
    boolean cnAllowedAsDns = SubjectAltName.isDnsName(commonName) && allowsDns(commonName.toLowerCase(Locale.ROOT));
    if (!cnIsSan && !cnAllowedAsDns) {
      throw new PadlockException(ErrorCode.NAME_NOT_ALLOWED, "common name '" + commonName
          + "' is not allowed by the policy of profile '" + profile + "': use a CN that is also an allowed SAN");
    }
  }

  public boolean allows(SubjectAltName san) {
    return switch (san.type()) {
      case DNS -> allowsDns(san.value());
      case IP -> ip.stream().anyMatch(r -> inRange(san.value(), r));
      case URI -> uri.stream().anyMatch(p -> san.value().startsWith(p));
      case EMAIL -> {
        String addr = san.value().toLowerCase(Locale.ROOT);
        String domain = addr.substring(addr.lastIndexOf('@') + 1);
        yield email.stream().anyMatch(rule -> rule.contains("@") ? rule.equals(addr) : rule.equals(domain));
      }
    };
  }

  private boolean allowsDns(String name) {
    for (String rule : dns) {
      if (rule.startsWith("*.") || rule.startsWith(".")) {
        String suffix = rule.substring(rule.indexOf('.'));
        if (name.endsWith(suffix) && name.length() > suffix.length()) {
          return true;
        }
      } else if (rule.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inRange(String address, String cidr) {
    byte[][] range = parseCidr(cidr);
    byte[] addr;
    try {
      addr = InetAddress.getByName(address).getAddress(); // a literal, checked by SubjectAltName
    } catch (UnknownHostException e) {
      return false;
    }
    if (addr.length != range[0].length) {
      return false;
    }
    BigInteger a = new BigInteger(1, addr);
    BigInteger net = new BigInteger(1, range[0]);
    BigInteger mask = new BigInteger(1, range[1]);
    return a.and(mask).equals(net.and(mask));
  }

  /** {network, mask} of a CIDR range. */
  private static byte[][] parseCidr(String cidr) {
    String[] parts = cidr.split("/", 2);
    String address;
    try {
      address = SubjectAltName.checkIp(parts[0], cidr);
      byte[] net = InetAddress.getByName(address).getAddress();
      int bits = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : net.length * 8;
      if (bits < 0 || bits > net.length * 8) {
        throw new NumberFormatException();
      }
      byte[] mask = new byte[net.length];
      for (int i = 0; i < bits; i++) {
        mask[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      return new byte[][] {net, mask};
    } catch (PadlockException | NumberFormatException | UnknownHostException e) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG,
          "'" + cidr + "' is not an IP range: write it as 10.0.0.0/8 or fd00::/8");
    }
  }

  public String describe() {
    if (allowsAny()) {
      return "any name";
    }
    StringBuilder sb = new StringBuilder();
    append(sb, "dns", dns);
    append(sb, "ip", ip);
    append(sb, "uri", uri);
    append(sb, "email", email);
    return sb.toString();
  }

  private static void append(StringBuilder sb, String type, List<String> rules) {
    if (!rules.isEmpty()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(type).append(' ').append(String.join(", ", rules));
    }
  }
}
