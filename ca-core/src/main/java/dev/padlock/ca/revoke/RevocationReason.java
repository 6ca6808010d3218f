package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** CRL reason codes of RFC 5280 §5.3.1, by their RFC names ({@code keyCompromise}, …). */
public enum RevocationReason {
  UNSPECIFIED(0, "unspecified"),
  KEY_COMPROMISE(1, "keyCompromise"),
  CA_COMPROMISE(2, "cACompromise"),
  AFFILIATION_CHANGED(3, "affiliationChanged"),
  SUPERSEDED(4, "superseded"),
  CESSATION_OF_OPERATION(5, "cessationOfOperation"),
  CERTIFICATE_HOLD(6, "certificateHold"),
  PRIVILEGE_WITHDRAWN(9, "privilegeWithdrawn"),
  AA_COMPROMISE(10, "aACompromise");

  private final int code;
  private final String rfcName;

  RevocationReason(int code, String rfcName) {
    this.code = code;
    this.rfcName = rfcName;
  }

  /** The CRLReason value. */
  public int code() {
    return code;
  }

  public String rfcName() {
    return rfcName;
  }

  public static RevocationReason ofCode(int code) {
    for (RevocationReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("no CRL reason code " + code);
  }

  /** Accepts the RFC name in any case, with or without dashes/underscores. */
  public static RevocationReason parse(String text) {
    String t = text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (RevocationReason r : values()) {
      if (r.rfcName.toLowerCase(Locale.ROOT).equals(t)) {
        if (r == CERTIFICATE_HOLD) {
          throw new PadlockException(ErrorCode.MALFORMED_INPUT,
              "certificateHold is not supported: padlock revocation is permanent; revoke with another reason");
        }
        return r;
      }
    }
    throw new PadlockException(ErrorCode.MALFORMED_INPUT, "unknown revocation reason '" + text + "': use one of "
        + Arrays.stream(values()).filter(r -> r != CERTIFICATE_HOLD).map(RevocationReason::rfcName)
            .collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return rfcName;
  }
}
