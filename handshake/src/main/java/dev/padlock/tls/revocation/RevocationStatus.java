package dev.padlock.tls.revocation;

import java.time.Instant;

/** What CRL or OCSP said about one certificate. */
public sealed interface RevocationStatus {
  /** Not revoked, according to fresh data. */
  record Good(String source) implements RevocationStatus {}

  /** Revoked at a date, for a reason (RFC 5280 code, -1 if none given). */
  record Revoked(Instant date, int reasonCode, String source) implements RevocationStatus {
    public String reasonName() {
      return Reasons.name(reasonCode);
    }
  }

  /** No usable data: nothing configured for this issuer, unreachable, or not verifiable. */
  record Unavailable(String detail) implements RevocationStatus {}

  /** Data exists but is past its nextUpdate. */
  record Stale(String detail) implements RevocationStatus {}

  /** RFC 5280 section 5.3.1 reason names. */
  final class Reasons {
    private Reasons() {}

    public static String name(int code) {
      return switch (code) {
        case -1 -> "no reason given";
        case 0 -> "unspecified";
        case 1 -> "keyCompromise";
        case 2 -> "cACompromise";
        case 3 -> "affiliationChanged";
        case 4 -> "superseded";
        case 5 -> "cessationOfOperation";
        case 6 -> "certificateHold";
        case 8 -> "removeFromCRL";
        case 9 -> "privilegeWithdrawn";
        case 10 -> "aACompromise";
        default -> "reason " + code;
      };
    }
  }
}
