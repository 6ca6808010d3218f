package dev.padlock.tls.reload;

/**
 * Told when padlock re-reads an identity, a trust bundle or a CRL: the new state was validated and
 * swapped in, or it was refused and the last good state stays in use. Called on the thread that
 * noticed the change (often a handshaking one): return quickly and do not throw.
 */
public interface ReloadListener {
  /** A new state is in use. {@code what} names the thing ("identity /etc/tls/server.pem"). */
  default void reloaded(String what, String description) {}

  /** A new file was refused; the last good state stays in use. */
  default void reloadFailed(String what, String error) {}

  /** A listener that ignores everything. */
  static ReloadListener none() {
    return new ReloadListener() {};
  }
}
