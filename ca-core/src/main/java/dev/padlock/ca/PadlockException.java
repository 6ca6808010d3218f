package dev.padlock.ca;

import java.util.Objects;

/**
 * The one exception root of padlock. It carries a stable {@link ErrorCode} and a message that is safe
 * to show the user (lower-case, names the subject and the bad value, says what to do). The cause, if
 * any, is for logs only and never shown to a remote peer.
 */
public final class PadlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PadlockException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public PadlockException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }
}
