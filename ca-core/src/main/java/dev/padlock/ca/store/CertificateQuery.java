package dev.padlock.ca.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to list: optionally by status, by profile, by expiry within a window, and by common name or SAN
 * containing some text; newest first, at most {@code limit}.
 */
public record CertificateQuery(
    Optional<CertificateStatus> status,
    Optional<String> profile,
    Optional<Duration> expiringWithin,
    Optional<String> nameContains,
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
