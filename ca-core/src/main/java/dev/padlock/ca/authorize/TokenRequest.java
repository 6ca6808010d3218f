package dev.padlock.ca.authorize;

import dev.padlock.ca.issue.SubjectAltName;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an enrollment token is to allow: one certificate of {@code profile} for {@code commonName} with (a
 * subset of) {@code sans}, if spent within {@code ttl}.
 */
public record TokenRequest(String profile, String commonName, List<SubjectAltName> sans, Duration ttl) {
  /** The lifetime of a token when none is asked for. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  public TokenRequest {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(commonName, "commonName");
    sans = List.copyOf(sans);
    Objects.requireNonNull(ttl, "ttl");
  }
}
