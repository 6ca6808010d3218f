package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.authorize.TokenStore;
import dev.padlock.ca.audit.AuditEntry;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.RevokedEntry;
import dev.padlock.ca.store.StoredCrl;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The store on plain JDBC: H2 (embedded, the default) or PostgreSQL (several replicas). Portable SQL only;
 * the schema is created and upgraded by Flyway ({@link JdbcStores}).
 */
public final class JdbcCertificateStore implements CertificateStore {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final int MAX_ATTEMPTS = 20;
  private static final String COLUMNS = "serial, subject, common_name, sans, profile, key_type, not_before, "
      + "not_after, issued_at, fingerprint, der, requester, status, revoked_at, revocation_reason";

  private final DataSource dataSource;
  private final AutoCloseable onClose;

  JdbcCertificateStore(DataSource dataSource, AutoCloseable onClose) {
    this.dataSource = dataSource;
    this.onClose = onClose;
  }

  /** The enrollment tokens, in the same database (closed with this store). */
  public TokenStore tokens() {
    return new JdbcTokenStore(this);
  }

  @Override
  public void recordIssued(CertificateRecord r, AuditEvent event) {
    inTransaction(c -> {
      insertCertificate(c, r);
      appendAudit(c, event);
      return null;
    });
  }

  /** Inserts a certificate inside the caller's transaction; a taken serial throws {@link DuplicateSerialException}. */
  static void insertCertificate(Connection c, CertificateRecord r) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM certificates WHERE serial = ?")) {
      exists.setString(1, r.serial().hex());
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          throw new DuplicateSerialException(r.serial());
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificates (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', NULL, NULL)")) {
      ps.setString(1, r.serial().hex());
      ps.setString(2, r.subject());
      ps.setString(3, r.commonName());
      ps.setString(4, String.join("\n", r.sans()));
      ps.setString(5, r.profile());
      ps.setString(6, r.keyType());
      ps.setLong(7, r.notBefore().getEpochSecond());
      ps.setLong(8, r.notAfter().getEpochSecond());
      ps.setLong(9, r.issuedAt().getEpochSecond());
      ps.setString(10, r.fingerprintSha256());
      ps.setBytes(11, r.der());
      ps.setString(12, r.requester());
      ps.executeUpdate();
    }
  }

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
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM certificates WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    long now = q.now().getEpochSecond();
    q.status().ifPresent(s -> {
      switch (s) {
        case VALID -> {
          sql.append(" AND status = 'valid' AND not_after >= ?");
          args.add(now);
        }
        case EXPIRED -> {
          sql.append(" AND status = 'valid' AND not_after < ?");
          args.add(now);
        }
        case REVOKED -> sql.append(" AND status = 'revoked'");
      }
    });
    q.expiringWithin().ifPresent(d -> {
      sql.append(" AND status = 'valid' AND not_after >= ? AND not_after <= ?");
      args.add(now);
      args.add(now + d.getSeconds());
    });
    q.profile().ifPresent(p -> {
      sql.append(" AND profile = ?");
      args.add(p);
    });
    q.nameContains().ifPresent(n -> {
      sql.append(" AND (LOWER(common_name) LIKE ? ESCAPE '!' OR LOWER(sans) LIKE ? ESCAPE '!')");
      String like = "%" + n.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
      args.add(like);
      args.add(like);
    });
    sql.append(" ORDER BY issued_at DESC, serial FETCH FIRST ").append(q.limit()).append(" ROWS ONLY");
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        List<CertificateRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public CertificateRecord revoke(SerialNumber serial, RevocationReason reason, Instant at, AuditEvent event) {
    return inTransaction(c -> {
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
      appendAudit(c, event);
      return record;
    });
  }

  @Override
  public void forEachRevoked(Consumer<RevokedEntry> sink) {
    inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT serial, revoked_at, revocation_reason FROM certificates WHERE status = 'revoked'")) {
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(new RevokedEntry(SerialNumber.ofHex(rs.getString(1)), Instant.ofEpochSecond(rs.getLong(2)),
                RevocationReason.ofCode(rs.getInt(3))));
          }
        }
      }
      return null;
    });
  }

  @Override
  public Optional<StoredCrl> latestCrl() {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT crl_number, this_update, next_update, der FROM crl WHERE id = 1");
           ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<StoredCrl>empty();
        }
        return Optional.of(new StoredCrl(rs.getBigDecimal(1).toBigIntegerExact(), Instant.ofEpochSecond(rs.getLong(2)),
            Instant.ofEpochSecond(rs.getLong(3)), rs.getBytes(4)));
      }
    });
  }

  @Override
  public boolean saveCrl(StoredCrl crl) {
    try {
      return inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crl SET crl_number = ?, this_update = ?, "
            + "next_update = ?, der = ? WHERE id = 1 AND crl_number < ?")) {
          ps.setBigDecimal(1, new BigDecimal(crl.number()));
          ps.setLong(2, crl.thisUpdate().getEpochSecond());
          ps.setLong(3, crl.nextUpdate().getEpochSecond());
          ps.setBytes(4, crl.der());
          ps.setBigDecimal(5, new BigDecimal(crl.number()));
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
            "INSERT INTO crl (id, crl_number, this_update, next_update, der) VALUES (1, ?, ?, ?, ?)")) {
          ps.setBigDecimal(1, new BigDecimal(crl.number()));
          ps.setLong(2, crl.thisUpdate().getEpochSecond());
          ps.setLong(3, crl.nextUpdate().getEpochSecond());
          ps.setBytes(4, crl.der());
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

  @Override
  public void appendAudit(AuditEvent event) {
    inTransaction(c -> {
      appendAudit(c, event);
      return null;
    });
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

  /** Appends to the chain inside the caller's transaction; a concurrent append makes the insert fail and retry. */
  static void appendAudit(Connection c, AuditEvent e) throws SQLException {
    long seq = 1;
    String prev = AuditChain.GENESIS;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY");
         ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        seq = rs.getLong(1) + 1;
        prev = rs.getString(2);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (seq, at, action, serial, actor, detail, "
        + "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setLong(2, e.at().getEpochSecond());
      ps.setString(3, e.action());
      ps.setString(4, e.serial());
      ps.setString(5, truncate(e.actor(), 256));
      ps.setString(6, truncate(e.detail(), 4000));
      ps.setString(7, prev);
      ps.setString(8, AuditChain.hash(seq, new AuditEvent(e.at(), e.action(), e.serial(), truncate(e.actor(), 256),
          truncate(e.detail(), 4000)), prev));
      ps.executeUpdate();
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static CertificateRecord read(ResultSet rs) throws SQLException {
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

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction, retrying when a concurrent writer took the same audit sequence. */
  <T> T inTransaction(Work<T> work) {
    SQLException last = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException e) {
          c.rollback();
          if (!UNIQUE_VIOLATION.equals(e.getSQLState()) && !isLockConflict(e)) {
            throw e;
          }
          last = e;
        } catch (RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store failed: " + e.getMessage(), e);
      }
    }
    throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
        "the certificate store stayed busy after " + MAX_ATTEMPTS + " attempts", last);
  }

  /** Lock timeouts (H2: HYT00) and serialization failures (PostgreSQL: 40001, 40P01) are worth a retry. */
  private static boolean isLockConflict(SQLException e) {
    String s = e.getSQLState();
    return "HYT00".equals(s) || "40001".equals(s) || "40P01".equals(s);
  }

  @Override
  public void close() {
    try {
      onClose.close();
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot close the certificate store", e);
    }
  }
}
