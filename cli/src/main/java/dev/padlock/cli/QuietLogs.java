package dev.padlock.cli;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the handshake module's own log lines (reloads, refused CRL files, handshake reports) off
 * stderr while a command runs: the command prints the outcome itself, as one line. Only loggers under
 * {@code dev.padlock.tls} of this CLI process are touched, and only for the duration of the call.
 */
final class QuietLogs {
  private QuietLogs() {}

  static <T> T during(Supplier<T> action) {
    Logger tls = Logger.getLogger("dev.padlock.tls");
    Level before = tls.getLevel();
    tls.setLevel(Level.SEVERE);
    try {
      return action.get();
    } finally {
      tls.setLevel(before);
    }
  }
}
