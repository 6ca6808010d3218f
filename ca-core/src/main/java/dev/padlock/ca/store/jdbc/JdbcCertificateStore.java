package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEntry;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.authorize.TokenStore;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.RevokedEntry;
import dev.padlock.ca.store.StoredCrl;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The store on plain JDBC: H2 (embedded, the default) or PostgreSQL (several replicas). Portable SQL only;
 * the schema is created and upgraded by Flyway ({@link JdbcStores}).
 *
 * <p>Issued certificates are written by {@link GroupCommit}: concurrent issuances share one transaction and
 * one durable commit. Audit entries are appended by {@link AuditLog}, which keeps the chain's head in
 * memory. Name searches use {@link CertificateSearch}.
 */
public final class JdbcCertificateStore implements CertificateStore {
  static final String UNIQUE_VIOLATION = "23505";
  private static final int MAX_ATTEMPTS = 20;
  static final String COLUMNS = "serial, subject, common_name, sans, profile, key_type, not_before, "
      + "not_after, issued_at, fingerprint, der, requester, status, revoked_at, revocation_reason";

  private final DataSource dataSource;
  private final AutoCloseable onClose;
  private final boolean forceToDisk;
  private final H2Compaction compaction;
  private final AuditLog audit = new AuditLog();
  private final GroupCommit issued = new GroupCommit(this::writeIssued);

  /**
   * @param forceToDisk after each transaction that issues, revokes, or writes an audit entry, force the
   *     database to the disk ({@link H2Compaction#force}: the commit's fsync, and its store header's when H2
   *     would not find the commit otherwise, shared by a group commit's batch) before returning; false
   *     leaves the flush to the operating system, so a power failure may lose the last commits (or, measured, damage the file past opening)
   * @param compaction for an H2 database: counts the commits that issue, revoke or audit, and compacts the
   *     file every so many of them, and forces (null for other databases, which never force: then {@code
   *     forceToDisk} is false)
   */
  JdbcCertificateStore(DataSource dataSource, AutoCloseable onClose, boolean forceToDisk, H2Compaction compaction) {
    if (forceToDisk && compaction == null) {
      throw new IllegalArgumentException("only an H2 store forces its commits, through its H2Compaction");
    }
    this.dataSource = dataSource;
    this.onClose = onClose;
    this.forceToDisk = forceToDisk;
    this.compaction = compaction;
  }

  /** The H2 compaction of this store (null for other databases), for tests. */
  H2Compaction compaction() {
    return compaction;
  }

  /** The enrollment tokens, in the same database (closed with this store). */
  public TokenStore tokens() {
    return new JdbcTokenStore(this);
  }

  // ------------------------------------------------------------------------------------------- issuance

  @Override
  public void recordIssued(CertificateRecord r, AuditEvent event) {
    issued.submit(new GroupCommit.Item(r, event, null, null));
  }

  /** Spends the token and stores the certificate in one transaction; false if the token could not be spent. */
  boolean redeemAndRecord(String tokenHash, Instant now, CertificateRecord r, AuditEvent event) {
    return issued.submit(new GroupCommit.Item(r, event, tokenHash, now)) == GroupCommit.Outcome.STORED;
  }

  /**
   * Writes a batch of issued certificates in one transaction. A taken serial (a unique violation on the
   * primary key: nothing is read before inserting) fails that certificate alone with {@link
   * DuplicateSerialException}; the others are written again without it. A unique violation on the audit
   * sequence (another process appended) is retried with the head read again.
   */
  private void writeIssued(List<GroupCommit.Item> batch) {
    List<GroupCommit.Item> todo = new ArrayList<>(batch);
    audit.lock();
    try {
      SQLException last = null;
      for (int attempt = 0; attempt < MAX_ATTEMPTS && !todo.isEmpty(); attempt++) {
        try (Connection c = connection()) {
          c.setAutoCommit(false);
          audit.begin();
          try {
            insertIssued(c, todo);
            if (compaction != null) {
              compaction.beforeCommit(c);
            }
            c.commit();
            audit.committed();
          } catch (SQLException e) {
            for (GroupCommit.Item i : todo) {
              i.outcome = null; // first: the rollback can fail too
            }
            rollback(c);
            audit.rolledBack();
            if (isUniqueViolation(e)) {
              Set<String> taken = takenSerials(c, todo);
              c.commit();
              Set<String> inBatch = new HashSet<>();
              todo.removeIf(i -> {
                String serial = i.record.serial().hex();
                // Stored already, or earlier in this batch (two concurrent callers with one serial): the
                // first keeps it. A violation that is neither is another process's audit append: retried.
                if (taken.contains(serial) || !inBatch.add(serial)) {
                  i.failure = new DuplicateSerialException(i.record.serial());
                  return true;
                }
                return false;
              });
            } else if (!isLockConflict(e)) {
              throw e;
            }
            last = e;
            continue;
          } catch (RuntimeException e) {
            rollback(c);
            audit.rolledBack();
            throw e;
          }
          // Committed: from here on nothing is written again. Every certificate of the batch waits for the
          // disk, and none is handed out if the disk fails.
          try {
            force(c);
          } catch (SQLException e) {
            PadlockException failure = notForced(e);
            for (GroupCommit.Item i : batch) {
              i.failure = failure;
            }
            throw failure;
          }
          return;
        } catch (SQLException e) {
          throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store failed: " + e.getMessage(), e);
        }
      }
      if (!todo.isEmpty()) {
        throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
            "the certificate store stayed busy after " + MAX_ATTEMPTS + " attempts", last);
      }
    } finally {
      audit.unlock();
    }
  }

  private void insertIssued(Connection c, List<GroupCommit.Item> items) throws SQLException {
    List<GroupCommit.Item> live = new ArrayList<>(items.size());
    for (GroupCommit.Item i : items) {
      if (i.tokenHash == null || JdbcTokenStore.spend(c, i.tokenHash, i.now, i.record.serial())) {
        live.add(i);
      } else {
        i.outcome = GroupCommit.Outcome.TOKEN_REFUSED; // unknown, used (perhaps a moment ago) or expired
      }
    }
    if (live.isEmpty()) {
      return;
    }
    boolean one = live.size() == 1;
    try (PreparedStatement cert = c.prepareStatement("INSERT INTO certificates (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', NULL, NULL)");
         PreparedStatement name = c.prepareStatement("INSERT INTO certificate_names (name, serial) VALUES (?, ?)")) {
      for (GroupCommit.Item i : live) {
        CertificateRecord r = i.record;
        String serial = r.serial().hex();
        cert.setString(1, serial);
        cert.setString(2, r.subject());
        cert.setString(3, r.commonName());
        cert.setString(4, String.join("\n", r.sans()));
        cert.setString(5, r.profile());
        cert.setString(6, r.keyType());
        cert.setLong(7, r.notBefore().getEpochSecond());
        cert.setLong(8, r.notAfter().getEpochSecond());
        cert.setLong(9, r.issuedAt().getEpochSecond());
        cert.setString(10, r.fingerprintSha256());
        cert.setBytes(11, r.der());
        cert.setString(12, r.requester());
        if (one) {
          cert.executeUpdate();
        } else {
          cert.addBatch();
        }
        for (String n : Names.of(r.commonName(), r.sans())) {
          name.setString(1, n);
          name.setString(2, serial);
          name.addBatch();
        }
      }
      if (!one) {
        cert.executeBatch();
      }
      name.executeBatch();
    }
    List<AuditEvent> events = new ArrayList<>(live.size());
    for (GroupCommit.Item i : live) {
      events.add(i.event);
    }
    audit.appendAll(c, events);
    for (GroupCommit.Item i : live) {
      i.outcome = GroupCommit.Outcome.STORED;
    }
  }

  private static Set<String> takenSerials(Connection c, List<GroupCommit.Item> items) throws SQLException {
    Set<String> taken = new HashSet<>();
    if (items.isEmpty()) {
      return taken;
    }
    StringBuilder sql = new StringBuilder("SELECT serial FROM certificates WHERE serial IN (");
    for (int i = 0; i < items.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
      for (int i = 0; i < items.size(); i++) {
        ps.setString(i + 1, items.get(i).record.serial().hex());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          taken.add(rs.getString(1));
        }
      }
    }
    return taken;
  }

  // --------------------------------------------------------------------------------------------- lookup

  @Override
  public Optional<CertificateRecord> find(SerialNumber serial) {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates WHERE serial = ?")) {
        ps.setString(1, serial.hex());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<CertificateRecord>empty();
        }
      }
    });
  }

  @Override
  public List<CertificateRecord> list(CertificateQuery q) {
    return inTransaction(c -> CertificateSearch.list(c, q));
  }

  // ---------------------------------------------------------------------------------------- revocation

  @Override
  public CertificateRecord revoke(SerialNumber serial, RevocationReason reason, Instant at, AuditEvent event) {
    return inAuditTransaction(c -> {
      int updated;
      try (PreparedStatement ps = c.prepareStatement("UPDATE certificates SET status = 'revoked', revoked_at = ?, "
          + "revocation_reason = ? WHERE serial = ? AND status = 'valid'")) {
        ps.setLong(1, at.getEpochSecond());
        ps.setInt(2, reason.code());
        ps.setString(3, serial.hex());
        updated = ps.executeUpdate();
      }
      CertificateRecord record;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates WHERE serial = ?")) {
        ps.setString(1, serial.hex());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new PadlockException(ErrorCode.UNKNOWN_SERIAL, "no certificate with serial " + serial
                + " was issued by this CA (list them with 'padlock list')");
          }
          record = read(rs);
        }
      }
      if (updated == 0) {
        CertificateRecord.Revocation r = record.revocation().orElseThrow();
        throw new PadlockException(ErrorCode.ALREADY_REVOKED, "certificate " + serial + " was already revoked at "
            + r.at() + " (" + r.reason() + ")");
      }
      long seq = audit.append(c, event);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO revocations (seq, serial, revoked_at, reason) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, seq);
        ps.setString(2, serial.hex());
        ps.setLong(3, at.getEpochSecond());
        ps.setInt(4, reason.code());
        ps.executeUpdate();
      }
      return record;
    });
  }

  @Override
  public long forEachRevokedSince(long after, Consumer<RevokedEntry> sink) {
    return inTransaction(c -> {
      long last = after;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, serial, revoked_at, reason FROM revocations WHERE seq > ? ORDER BY seq")) {
        ps.setLong(1, after);
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            last = rs.getLong(1);
            sink.accept(new RevokedEntry(SerialNumber.ofHex(rs.getString(2)), Instant.ofEpochSecond(rs.getLong(3)),
                RevocationReason.ofCode(rs.getInt(4))));
          }
        }
      }
      return last;
    });
  }

  // ------------------------------------------------------------------------------------------------ CRL

  @Override
  public Optional<StoredCrl> latestCrl() {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT crl_number, this_update, next_update, der, revocations_through FROM crl WHERE id = 1");
           ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<StoredCrl>empty();
        }
        long through = rs.getLong(5);
        return Optional.of(new StoredCrl(rs.getBigDecimal(1).toBigIntegerExact(), Instant.ofEpochSecond(rs.getLong(2)),
            Instant.ofEpochSecond(rs.getLong(3)), rs.getBytes(4), rs.wasNull() ? Long.MIN_VALUE : through));
      }
    });
  }

  @Override
  public Optional<BigInteger> latestCrlNumber() {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT crl_number FROM crl WHERE id = 1");
           ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBigDecimal(1).toBigIntegerExact()) : Optional.<BigInteger>empty();
      }
    });
  }

  @Override
  public boolean saveCrl(StoredCrl crl) {
    return Uninterrupted.run(() -> saveCrlNow(crl));
  }

  private boolean saveCrlNow(StoredCrl crl) {
    // Taking turns with the other writers (in a store that forces its commits): H2 may reuse the space a
    // commit frees as soon as it is committed, so no write may come between another writer's commit and its
    // force, nor between the CRL's and its own.
    if (forceToDisk) {
      audit.lock();
    }
    try {
      if (forceToDisk) {
        try (Connection c = pooled()) {
          compaction.beforeCommit(c); // before the CRL's transaction, not just before its commit
        } catch (SQLException e) {
          throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store failed: " + e.getMessage(), e);
        }
      }
      boolean saved = saveCrlUnforced(crl);
      if (saved && compaction != null) {
        // On the publisher's thread: the CRL (43 MiB at 1M entries) is on the disk before it is served, and
        // the next revocation's fsync does not inherit the flush of it.
        try (Connection c = pooled()) {
          force(c);
        } catch (SQLException e) {
          throw notForced(e);
        }
      }
      return saved;
    } finally {
      if (forceToDisk) {
        audit.unlock();
      }
    }
  }

  private boolean saveCrlUnforced(StoredCrl crl) {
    try {
      return inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crl SET crl_number = ?, this_update = ?, "
            + "next_update = ?, der = ?, revocations_through = ? WHERE id = 1 AND crl_number < ?")) {
          ps.setBigDecimal(1, new BigDecimal(crl.number()));
          ps.setLong(2, crl.thisUpdate().getEpochSecond());
          ps.setLong(3, crl.nextUpdate().getEpochSecond());
          ps.setBytes(4, crl.der());
          setThrough(ps, 5, crl);
          ps.setBigDecimal(6, new BigDecimal(crl.number()));
          if (ps.executeUpdate() == 1) {
            return true;
          }
        }
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM crl WHERE id = 1");
             ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            return false; // a CRL with this number or a later one is already there
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO crl (id, crl_number, this_update, next_update, der, revocations_through) "
                + "VALUES (1, ?, ?, ?, ?, ?)")) {
          ps.setBigDecimal(1, new BigDecimal(crl.number()));
          ps.setLong(2, crl.thisUpdate().getEpochSecond());
          ps.setLong(3, crl.nextUpdate().getEpochSecond());
          ps.setBytes(4, crl.der());
          setThrough(ps, 5, crl);
          ps.executeUpdate();
          return true;
        }
      });
    } catch (PadlockException e) {
      if (e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private static void setThrough(PreparedStatement ps, int index, StoredCrl crl) throws SQLException {
    if (crl.revocationsThrough() == Long.MIN_VALUE) {
      ps.setNull(index, java.sql.Types.BIGINT);
    } else {
      ps.setLong(index, crl.revocationsThrough());
    }
  }

  @Override
  public long lastRevocationSequence() {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM revocations");
           ResultSet rs = ps.executeQuery()) {
        long max = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() ? Long.MIN_VALUE : max;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------- audit

  @Override
  public void appendAudit(AuditEvent event) {
    inAuditTransaction(c -> audit.append(c, event));
  }

  /** Appends inside a transaction run by {@link #inAuditTransaction}. */
  long appendAudit(Connection c, AuditEvent event) throws SQLException {
    return audit.append(c, event);
  }

  @Override
  public void forEachAudit(Consumer<AuditEntry> sink) {
    inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, at, action, serial, actor, detail, prev_hash, hash FROM audit_log ORDER BY seq")) {
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AuditEvent e = new AuditEvent(Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6));
            sink.accept(new AuditEntry(rs.getLong(1), e, rs.getString(7), rs.getString(8)));
          }
        }
      }
      return null;
    });
  }

  static CertificateRecord read(ResultSet rs) throws SQLException {
    String sans = rs.getString("sans");
    Optional<CertificateRecord.Revocation> revocation = Optional.empty();
    if ("revoked".equals(rs.getString("status"))) {
      revocation = Optional.of(new CertificateRecord.Revocation(Instant.ofEpochSecond(rs.getLong("revoked_at")),
          RevocationReason.ofCode(rs.getInt("revocation_reason"))));
    }
    return new CertificateRecord(
        SerialNumber.ofHex(rs.getString("serial")),
        rs.getString("subject"),
        rs.getString("common_name"),
        sans.isEmpty() ? List.of() : Arrays.asList(sans.split("\n")),
        rs.getString("profile"),
        rs.getString("key_type"),
        Instant.ofEpochSecond(rs.getLong("not_before")),
        Instant.ofEpochSecond(rs.getLong("not_after")),
        Instant.ofEpochSecond(rs.getLong("issued_at")),
        rs.getString("fingerprint"),
        rs.getBytes("der"),
        rs.getString("requester"),
        revocation);
  }

  // ------------------------------------------------------------------------------------- transactions

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work}, which reads or writes no audit entry, in one transaction. */
  <T> T inTransaction(Work<T> work) {
    return inTransaction(work, false);
  }

  /**
   * Runs {@code work}, which appends audit entries (through {@link #appendAudit(Connection, AuditEvent)}), in
   * one transaction, taking turns with this process's other audit writers; retried when another process took
   * the same audit sequence.
   */
  <T> T inAuditTransaction(Work<T> work) {
    audit.lock();
    try {
      return inTransaction(work, true);
    } finally {
      audit.unlock();
    }
  }

  private <T> T inTransaction(Work<T> work, boolean audited) {
    return Uninterrupted.run(() -> inTransactionNow(work, audited));
  }

  /** The connection pool (tests). */
  DataSource dataSource() {
    return dataSource;
  }

  /** The audit log, whose lock is the writers' turn (tests). */
  AuditLog auditLog() {
    return audit;
  }

  private <T> T inTransactionNow(Work<T> work, boolean audited) {
    SQLException last = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try (Connection c = connection()) {
        c.setAutoCommit(false);
        if (audited) {
          audit.begin();
        }
        try {
          T result = work.run(c);
          if (audited && compaction != null) {
            compaction.beforeCommit(c);
          } else if (compaction != null) {
            compaction.running(c);
          }
          c.commit();
          if (audited) {
            audit.committed();
            // Audited transactions are the ones that change what the CA has done: revocations, tokens,
            // audit entries. Committed: a failure to force it is reported, never retried.
            try {
              force(c);
            } catch (SQLException e) {
              throw notForced(e);
            }
          }
          return result;
        } catch (SQLException e) {
          rollback(c);
          if (audited) {
            audit.rolledBack();
          }
          if (!isUniqueViolation(e) && !isLockConflict(e)) {
            throw e;
          }
          last = e;
        } catch (RuntimeException e) {
          rollback(c);
          if (audited) {
            audit.rolledBack();
          }
          throw e;
        }
      } catch (SQLException e) {
        throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store failed: " + e.getMessage(), e);
      }
    }
    throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
        "the certificate store stayed busy after " + MAX_ATTEMPTS + " attempts", last);
  }

  /**
   * Forces what is committed to the disk, if this store was opened to; else, on H2, points H2's store header
   * at it (a killed process's commits are then found again). Then counts the commit for compaction.
   */
  private void force(Connection c) throws SQLException {
    if (forceToDisk) {
      compaction.force(c);
    } else if (compaction != null) {
      compaction.written(c);
    }
    if (compaction != null) {
      compaction.committed(c);
    }
  }

  private static PadlockException notForced(SQLException e) {
    return new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store committed but could not "
        + "force the change to the disk (" + e.getMessage() + "): check the disk holding the CA directory", e);
  }

  /**
   * Rolls back. H2 writes a chunk for a rollback too ({@code WRITE_DELAY=0}); a store that forces its commits
   * forces that one as well, so the next commit cannot reuse space it freed before it is on the disk.
   */
  private void rollback(Connection c) throws SQLException {
    c.rollback();
    if (forceToDisk) {
      compaction.force(c);
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A connection for a transaction; on H2, refused once H2 has stopped the database after a failed write
   * ({@link H2Compaction#running}): no statement reaches a stopped store.
   */
  private Connection connection() throws SQLException {
    Connection c = pooled();
    if (compaction != null) {
      try {
        compaction.running(c);
      } catch (SQLException e) {
        try {
          c.close();
        } catch (SQLException s) {
          e.addSuppressed(s);
        }
        throw e;
      }
    }
    return c;
  }

  /** After this long, a wait for a connection that an interrupt cut short is not taken up again (Hikari's timeout). */
  private static final long CONNECTION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * A connection from the pool. Inside {@link Uninterrupted#run}, an interrupt while Hikari waits for a free
   * one (Hikari then gives up: "Interrupted during connection acquisition", the flag set again) is held back,
   * and the wait is taken up again, unless 30 s have passed; outside a run, the call fails as Hikari does.
   */
  private Connection pooled() throws SQLException {
    long deadline = System.nanoTime() + CONNECTION_WAIT_NANOS;
    while (true) {
      try {
        Connection c = dataSource.getConnection();
        Uninterrupted.holdBack(); // one that came as Hikari handed it out
        return c;
      } catch (SQLException e) {
        boolean interrupted = Thread.currentThread().isInterrupted();
        if (!interrupted || System.nanoTime() - deadline > 0 || !Uninterrupted.holdBack()) {
          throw e;
        }
      }
    }
  }

  /** Lock timeouts (H2: HYT00) and serialization failures (PostgreSQL: 40001, 40P01) are worth a retry. */
  private static boolean isLockConflict(SQLException e) {
    String s = e.getSQLState();
    return "HYT00".equals(s) || "40001".equals(s) || "40P01".equals(s);
  }

  @Override
  public void close() {
    Uninterrupted.run(() -> {
      closeNow();
      return null;
    });
  }

  private void closeNow() {
    if (forceToDisk) {
      // H2 compacts the file as it closes, and asserts that no version is pinned any more: force what is
      // committed, and let the pin go, first.
      audit.lock();
      try (Connection c = pooled()) {
        compaction.closing(c);
      } catch (SQLException | RuntimeException e) {
        System.getLogger(JdbcCertificateStore.class.getName()).log(System.Logger.Level.WARNING,
            "could not force the H2 store before closing it; H2 forces it as it closes", e);
      } finally {
        audit.unlock();
      }
    }
    Uninterrupted.holdBack(); // Hikari's shutdown waits, and gives up when interrupted
    try {
      onClose.close();
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot close the certificate store", e);
    }
  }
}
