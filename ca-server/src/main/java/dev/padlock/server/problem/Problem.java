package dev.padlock.server.problem;

import dev.padlock.ca.ErrorCode;
import java.util.Locale;

/**
 * An RFC 9457 problem document: {@code type} is the error code's stable URI, {@code title} a short
 * summary of that type, {@code detail} the user-safe message of this occurrence. Never a cause or a trace.
 */
public record Problem(String type, String title, int status, String detail) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(ErrorCode code, String detail) {
    return of(code, code.httpStatus(), detail);
  }

  public static Problem of(ErrorCode code, int status, String detail) {
    return new Problem(code.typeUri(), title(code), status, detail);
  }

  /** {@code csr-signature-invalid} → {@code Csr signature invalid}. */
  static String title(ErrorCode code) {
    String words = code.slug().replace('-', ' ');
    return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
  }
}
