package dev.padlock.cli;

/** The exit codes of every padlock command. Scripts depend on them. */
public final class ExitCodes {
  /** It worked. */
  public static final int OK = 0;
  /** Something failed that is not the caller's fault; rerun with --verbose for the stack trace. */
  public static final int INTERNAL = 1;
  /** Invalid input or usage: fix the command line or the file given. */
  public static final int INVALID_INPUT = 2;
  /** Refused by policy or by state (already revoked, unknown serial, a handshake refused). */
  public static final int REFUSED = 3;

  private ExitCodes() {}
}
