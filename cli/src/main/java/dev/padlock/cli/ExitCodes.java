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
  /** The CA could not be reached; nothing was changed (renew: the current certificate is still valid). */
  public static final int UNAVAILABLE = 4;
  /** renew: the certificate expired while the CA stayed unreachable; enroll again with a new token. */
  public static final int EXPIRED = 5;

  private ExitCodes() {}
}
