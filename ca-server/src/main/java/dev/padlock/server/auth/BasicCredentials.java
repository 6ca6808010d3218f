package dev.padlock.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The password of an HTTP Basic {@code Authorization} header (RFC 7617). EST (RFC 7030 §3.2.3) carries the
 * one-time enrollment token there; the user name is ignored.
 */
public final class BasicCredentials {
  private BasicCredentials() {}

  /** The password, or empty when the header is absent, not Basic, or unreadable. */
  public static Optional<String> password(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String h = authorization.trim();
    if (h.length() < 6 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
  }
}
