package dev.padlock.ca.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to list: optionally by status, by profile, by expiry within a window, and by name; newest first, at
 * most {@code limit}.
 *
 * @param namePrefix certificates with a name (the CN or a SAN's value) that starts with this text, ignoring
 *     case; a leading SAN type ({@code dns:}, {@code ip:}, {@code uri:}, {@code email:}) is ignored, and a
 *     whole name is a prefix of itself. Blank: no name filter
 */
public record CertificateQuery(
    Optional<CertificateStatus> status,
    Optional<String> profile,
    Optional<Duration> expiringWithin,
    Optional<String> namePrefix,
    Instant now,
    int limit) {

  public CertificateQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  public static CertificateQuery all(Instant now, int limit) {
    return new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), now, limit);
  }
}
