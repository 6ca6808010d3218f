package dev.padlock.ca.store;

import java.util.Locale;

/** Valid, revoked, or expired (past notAfter and never revoked). */
public enum CertificateStatus {
  VALID, REVOKED, EXPIRED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
