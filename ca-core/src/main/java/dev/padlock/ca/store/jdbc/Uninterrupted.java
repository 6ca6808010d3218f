package dev.padlock.ca.store.jdbc;

import java.util.function.Supplier;

/**
 * Keeps the calling thread's interrupts away from H2. H2 does its file I/O on the calling thread, through an
 * interruptible {@code FileChannel}: one read, write or fsync on an interrupted thread closes the channel, and
 * H2 then stops the whole database for this process ("The database has been closed" for every statement
 * after it) until padlock restarts.
 *
 * <p>{@link #run} holds back an interrupt pending when it starts, and {@link #holdBack}, called after each
 * wait inside it (for the writers' turn, the audit log's lock; for a pooled connection, where Hikari gives up
 * when interrupted and the wait is taken up again), one that came during that wait; both are set again when
 * {@code run} returns or throws. Not held back: an interrupt that arrives while H2 itself runs (a statement,
 * its I/O, or a wait of its own: its store lock, while another thread's fsync runs). H2 then stops the
 * database.
 * So padlock interrupts a thread that may be in the store only as a last resort ({@code PadlockServer.close},
 * a renewal still running after 10 s); Jetty, stopping, interrupts the requests still running ~5 s into each
 * listener's stop.
 */
final class Uninterrupted {
  /** The interrupts held back by the {@link #run} in progress on this thread; null outside one. */
  private static final ThreadLocal<boolean[]> HELD = new ThreadLocal<>();

  private Uninterrupted() {}

  /** Runs {@code body} with this thread's interrupts held back; sets the flag again after, if one was. */
  static <T> T run(Supplier<T> body) {
    boolean[] outer = HELD.get();
    if (outer != null) { // nested: the outermost run sets the flag again
      outer[0] |= Thread.interrupted();
      return body.get();
    }
    boolean[] held = {Thread.interrupted()};
    try {
      HELD.set(held);
      return body.get();
    } finally {
      HELD.remove();
      if (held[0]) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Inside {@link #run}: holds back an interrupt that came since (during a wait), before H2 is used again.
   * Returns whether this thread is inside a run (outside one it does nothing).
   */
  static boolean holdBack() {
    boolean[] held = HELD.get();
    if (held == null) {
      return false;
    }
    if (Thread.interrupted()) {
      held[0] = true;
    }
    return true;
  }
}
