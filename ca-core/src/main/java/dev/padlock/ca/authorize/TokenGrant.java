package dev.padlock.ca.authorize;

import dev.padlock.ca.issue.SubjectAltName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an enrollment token allows, as the store keeps it: the token's hash (never the token), the profile,
 * the CN and the names it may be spent on, and until when.
 */
public record TokenGrant(String tokenHash, String profile, String commonName, List<SubjectAltName> sans,
    Instant createdAt, Instant expiresAt, String createdBy) {
  public TokenGrant {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(commonName, "commonName");
    sans = List.copyOf(sans);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A short, non-secret name for the token in logs and the audit log: the first 16 hex digits of its hash. */
  public String id() {
    return tokenHash.substring(0, 16);
  }

  public Constraints constraints() {
    return Constraints.of(profile, commonName, sans);
  }
}
