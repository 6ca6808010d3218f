package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.audit.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends to the hash-chained audit log without reading its last entry each time. Within this process,
 * transactions that append hold {@link #lock()}, so they take turns and the head (sequence and hash of the
 * last committed entry) can be kept in memory. Other processes append to the same database too (H2 through
 * AUTO_SERVER, PostgreSQL replicas): an entry is inserted with sequence head + 1, and the primary key on
 * the sequence refuses it if another process took that sequence first. The transaction then fails with a
 * unique violation, the caller rolls back and retries, and the head is read again. So each sequence is
 * taken once, only above the last committed one, and the chain has no gap or fork.
 */
final class AuditLog {
  private static final String INSERT = "INSERT INTO audit_log (seq, at, action, serial, actor, detail, prev_hash, "
      + "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** The last entry: its sequence and hash. */
  private record Head(long seq, String hash) {}

  private final ReentrantLock lock = new ReentrantLock();
  /** The last committed entry as this process knows it; null: read it from the database. Guarded by lock. */
  private Head committed;
  /** The last entry appended by the transaction in progress. Guarded by lock. */
  private Head pending;

  /**
   * Takes the writers' turn; inside {@link Uninterrupted#run}, an interrupt that came while waiting for it is
   * held back.
   */
  void lock() {
    lock.lock();
    Uninterrupted.holdBack();
  }

  /** Whether {@code t} waits for the writers' turn (tests). */
  boolean waiting(Thread t) {
    return lock.hasQueuedThread(t);
  }

  void unlock() {
    lock.unlock();
  }

  /** A transaction starts: it appends after the last committed entry. */
  void begin() {
    check();
    pending = committed;
  }

  /** The transaction committed: its last entry is the head. */
  void committed() {
    check();
    committed = pending;
  }

  /** The transaction failed: read the head again next time (another process may have appended). */
  void rolledBack() {
    check();
    committed = null;
    pending = null;
  }

  /** Appends one entry inside the caller's transaction; returns its sequence. */
  long append(Connection c, AuditEvent event) throws SQLException {
    return appendAll(c, List.of(event))[0];
  }

  /** Appends entries in order inside the caller's transaction; returns their sequences. */
  long[] appendAll(Connection c, List<AuditEvent> events) throws SQLException {
    check();
    Head head = pending != null ? pending : readHead(c);
    long[] seqs = new long[events.size()];
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (int i = 0; i < seqs.length; i++) {
        AuditEvent e = events.get(i);
        String actor = truncate(e.actor(), 256);
        String detail = truncate(e.detail(), 4000);
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(seq, new AuditEvent(e.at(), e.action(), e.serial(), actor, detail), head.hash());
        ps.setLong(1, seq);
        ps.setLong(2, e.at().getEpochSecond());
        ps.setString(3, e.action());
        ps.setString(4, e.serial());
        ps.setString(5, actor);
        ps.setString(6, detail);
        ps.setString(7, head.hash());
        ps.setString(8, hash);
        if (seqs.length == 1) {
          ps.executeUpdate();
        } else {
          ps.addBatch();
        }
        seqs[i] = seq;
        head = new Head(seq, hash);
      }
      if (seqs.length > 1) {
        ps.executeBatch();
      }
    }
    pending = head;
    return seqs;
  }

  private static Head readHead(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY");
         ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : new Head(0, AuditChain.GENESIS);
    }
  }

  private void check() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("the audit log is written only with its lock held");
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
