package dev.padlock.ca;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate serial number (RFC 5280 §4.1.2.2: positive, at most 20 octets). Shown as upper-case hex
 * with an even number of digits, as {@code openssl x509 -serial} prints it; parsed from hex (with or
 * without colons or {@code 0x}) and from decimal.
 */
public record SerialNumber(BigInteger value) implements Comparable<SerialNumber> {
  /** Random bits in every serial padlock assigns (RFC 5280 asks for at least 64; CA/B Forum for 64+). */
  public static final int RANDOM_BITS = 128;

  public SerialNumber {
    Objects.requireNonNull(value, "value");
    if (value.signum() <= 0) {
      throw new PadlockException(ErrorCode.INVALID_SERIAL, "serial number must be positive, got " + value);
    }
    if (value.bitLength() > 159) {
      throw new PadlockException(ErrorCode.INVALID_SERIAL, "serial number is longer than 20 octets");
    }
  }

  /** A fresh serial with {@value #RANDOM_BITS} random bits from {@code random}. */
  public static SerialNumber random(SecureRandom random) {
    BigInteger v;
    do {
      v = new BigInteger(RANDOM_BITS, random);
    } while (v.signum() == 0);
    return new SerialNumber(v);
  }

  /** Upper-case hex, even number of digits: {@code 0A1B...}. */
  public String hex() {
    String h = value.toString(16).toUpperCase(Locale.ROOT);
    return h.length() % 2 == 1 ? "0" + h : h;
  }

  public String decimal() {
    return value.toString();
  }

  @Override
  public String toString() {
    return hex();
  }

  @Override
  public int compareTo(SerialNumber o) {
    return value.compareTo(o.value);
  }

  /**
   * The serial numbers {@code text} may mean. Hex is recognised by {@code 0x}, colons or a digit a–f;
   * text of decimal digits only is read both ways (decimal first), and the caller looks up each.
   *
   * @throws PadlockException {@link ErrorCode#INVALID_SERIAL} if it is neither
   */
  public static List<SerialNumber> candidates(String text) {
    String t = text == null ? "" : text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    boolean forcedHex = lower.startsWith("0x") || lower.contains(":");
    String digits = lower.startsWith("0x") ? lower.substring(2) : lower.replace(":", "");
    List<SerialNumber> out = new ArrayList<>();
    try {
      if (digits.isEmpty() || !digits.matches("[0-9a-f]+")) {
        throw new NumberFormatException();
      }
      boolean decimalOnly = digits.matches("[0-9]+");
      if (decimalOnly && !forcedHex) {
        out.add(new SerialNumber(new BigInteger(digits, 10)));
      }
      SerialNumber hex = new SerialNumber(new BigInteger(digits, 16));
      if (!out.contains(hex)) {
        out.add(hex);
      }
      return out;
    } catch (NumberFormatException e) {
      throw new PadlockException(ErrorCode.INVALID_SERIAL,
          "'" + t + "' is not a serial number: give it in hex (as openssl prints it) or in decimal");
    } catch (PadlockException e) {
      if (!out.isEmpty()) {
        return out;
      }
      throw new PadlockException(ErrorCode.INVALID_SERIAL, "'" + t + "' is not a serial number: " + e.getMessage());
    }
  }

  /** Parses canonical hex as stored. */
  public static SerialNumber ofHex(String hex) {
    return new SerialNumber(new BigInteger(hex, 16));
  }
}
