package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.authorize.TokenGrant;
import dev.padlock.ca.authorize.TokenStore;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.store.CertificateRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Enrollment tokens on plain JDBC, in the certificate store's database (table {@code enrollment_tokens}). */
final class JdbcTokenStore implements TokenStore {
  private final JdbcCertificateStore db;

  JdbcTokenStore(JdbcCertificateStore db) {
    this.db = db;
  }

  @Override
  public void save(TokenGrant g, AuditEvent event) {
    db.inAuditTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO enrollment_tokens (token_hash, profile, "
          + "common_name, sans, created_at, expires_at, created_by, used_at, used_serial) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
        ps.setString(1, g.tokenHash());
        ps.setString(2, g.profile());
        ps.setString(3, g.commonName());
        ps.setString(4, String.join("\n", g.sans().stream().map(SubjectAltName::toString).toList()));
        ps.setLong(5, g.createdAt().getEpochSecond());
        ps.setLong(6, g.expiresAt().getEpochSecond());
        ps.setString(7, g.createdBy().length() <= 256 ? g.createdBy() : g.createdBy().substring(0, 256));
        ps.executeUpdate();
      }
      return db.appendAudit(c, event);
    });
  }

  @Override
  public Optional<TokenGrant> findRedeemable(String tokenHash, Instant now) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, profile, common_name, sans, created_at, "
          + "expires_at, created_by FROM enrollment_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")) {
        ps.setString(1, tokenHash);
        ps.setLong(2, now.getEpochSecond());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<TokenGrant>empty();
          }
          String sans = rs.getString(4);
          List<SubjectAltName> names = sans.isEmpty() ? List.of()
              : Arrays.stream(sans.split("\n")).map(SubjectAltName::parse).toList();
          return Optional.of(new TokenGrant(rs.getString(1), rs.getString(2), rs.getString(3), names,
              Instant.ofEpochSecond(rs.getLong(5)), Instant.ofEpochSecond(rs.getLong(6)), rs.getString(7)));
        }
      }
    });
  }

  @Override
  public boolean redeemAndRecord(String tokenHash, Instant now, CertificateRecord record, AuditEvent event) {
    return db.redeemAndRecord(tokenHash, now, record, event);
  }

  /**
   * Marks the token used inside the caller's transaction if it is still unused and unexpired at {@code now}:
   * a conditional update, so of two concurrent callers (in one batch or not) exactly one wins.
   */
  static boolean spend(Connection c, String tokenHash, Instant now, SerialNumber serial) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE enrollment_tokens SET used_at = ?, used_serial = ? "
        + "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")) {
      ps.setLong(1, now.getEpochSecond());
      ps.setString(2, serial.hex());
      ps.setString(3, tokenHash);
      ps.setLong(4, now.getEpochSecond());
      return ps.executeUpdate() == 1;
    }
  }
}
