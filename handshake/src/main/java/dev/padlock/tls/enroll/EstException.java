package dev.padlock.tls.enroll;

import java.util.OptionalInt;

/**
 * An EST exchange that failed: the server refused (with its HTTP status and, when it sent problem+json, its
 * sentence), or it could not be reached. {@link #unreachable()} tells the renewal agent to retry later.
 */
public final class EstException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean retryable;

  /** The server answered {@code status}: 5xx is worth retrying, anything else is a refusal. */
  EstException(int status, String message) {
    super(message);
    this.status = status;
    this.retryable = status >= 500;
  }

  /** The server was not reached (or the connection broke): worth retrying. */
  EstException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.retryable = true;
  }

  /** Refused here, before or without asking the server (e.g. a fingerprint that does not match). */
  static EstException refusedLocally(String message) {
    return new EstException(0, message);
  }

  /** The HTTP status the server answered with, if it answered. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** True when the server was not reached, or answered 5xx: worth retrying later. */
  public boolean unreachable() {
    return retryable;
  }
}
