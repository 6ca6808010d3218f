package dev.padlock.cli;

/**
 * A failure a command reports as one line on stderr and an exit code, for errors that do not come from
 * ca-core (which throws {@code PadlockException}), e.g. from the handshake module or from the command
 * line itself.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static CliException invalidInput(String message) {
    return new CliException(ExitCodes.INVALID_INPUT, message);
  }

  public static CliException refused(String message) {
    return new CliException(ExitCodes.REFUSED, message);
  }
}
