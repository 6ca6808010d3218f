package dev.padlock.tls.diagnose;

/**
 * Told about every handshake that failed, with its cause. Called on the handshaking thread: return
 * quickly and do not throw.
 */
@FunctionalInterface
public interface HandshakeListener {
  void refused(RefusedHandshake event);

  /** A listener that ignores everything. */
  static HandshakeListener none() {
    return e -> {};
  }
}
