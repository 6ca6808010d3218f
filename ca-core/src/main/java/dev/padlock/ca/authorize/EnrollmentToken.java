package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A one-time enrollment token, just created: its secret value (shown to the operator once, never stored)
 * and what it grants. The value is {@code pdl_} and 256 random bits in base64url; the store keeps only
 * its SHA-256, so a leaked database spends no token.
 */
public record EnrollmentToken(String value, TokenGrant grant) {
  static final String PREFIX = "pdl_";
  /** Longer presented values are not tokens; refused before hashing. */
  static final int MAX_LENGTH = 128;

  public EnrollmentToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(grant, "grant");
  }

  /** A fresh token value: {@code pdl_} and 256 random bits, base64url. */
  public static String newValue(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of a token's text, in lower-case hex: how the store knows a token. */
  public static String hash(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "EnrollmentToken[" + grant.id() + ", profile=" + grant.profile() + ", cn=" + grant.commonName() + "]";
  }
}
