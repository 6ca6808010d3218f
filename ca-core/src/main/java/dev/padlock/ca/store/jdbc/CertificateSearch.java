package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Listings, newest first ({@code issued_at} descending, then serial). Without a name they walk the
 * {@code certificates_issued_at} index. With a name, the matching serials come from one range of the
 * {@code certificate_names} primary key; when a prefix matches more than {@value #CANDIDATES} certificates,
 * walking the newest certificates and testing their names finds the first page sooner than sorting every
 * match, so the listing does that instead. Revoked certificates are found the same way from the
 * {@code revocations} journal while there are at most {@value #REVOKED_CANDIDATES} (there is no index on
 * status: a CA with few revocations would otherwise walk every certificate to list them).
 */
final class CertificateSearch {
  /** Above this many certificates matching a name, walk newest first instead of fetching every match. */
  static final int CANDIDATES = 500;
  /**
   * Up to this many revoked certificates, a listing by status revoked fetches them by serial; above it, it
   * walks the newest certificates, where revoked ones are then common enough to fill a page soon.
   */
  static final int REVOKED_CANDIDATES = 1_000;
  private static final int PAGE = 500;

  private CertificateSearch() {}

  static List<CertificateRecord> list(Connection c, CertificateQuery q) throws SQLException {
    Optional<String> prefix = q.namePrefix().flatMap(Names::prefix);
    Filter filter = Filter.of(q);
    Set<String> serials;
    if (prefix.isPresent()) {
      serials = matching(c, prefix.get(), CANDIDATES);
      if (serials == null) {
        return walk(c, filter, prefix.get(), q.limit());
      }
    } else if (q.status().filter(s -> s == CertificateStatus.REVOKED).isPresent()) {
      serials = revoked(c, REVOKED_CANDIDATES); // few revoked among many: walking newest first would read them all
    } else {
      serials = null;
    }
    if (serials == null) {
      return select(c, filter, "", List.of(), q.limit());
    }
    if (serials.isEmpty()) {
      return List.of();
    }
    StringBuilder in = new StringBuilder(" AND serial IN (");
    for (int i = 0; i < serials.size(); i++) {
      in.append(i == 0 ? "?" : ", ?");
    }
    return select(c, filter, in.append(')').toString(), new ArrayList<>(serials), q.limit());
  }

  /** The serials of the revoked certificates, or null if there are more than {@code max}. */
  private static Set<String> revoked(Connection c, int max) throws SQLException {
    Set<String> serials = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT serial FROM revocations FETCH FIRST " + (max + 1) + " ROWS ONLY");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        serials.add(rs.getString(1));
      }
    }
    return serials.size() > max ? null : serials;
  }

  /**
   * The serials of certificates with a name starting with {@code prefix}, or null if there are more than
   * {@code max} (or more than 4 {@code max} matching names: a certificate rarely has many).
   */
  private static Set<String> matching(Connection c, String prefix, int max) throws SQLException {
    Optional<String> upper = Names.upperBound(prefix);
    int rows = max * 4;
    String sql = "SELECT name, serial FROM certificate_names WHERE name >= ?" + (upper.isPresent() ? " AND name < ?" : "")
        + " FETCH FIRST " + rows + " ROWS ONLY";
    Set<String> serials = new LinkedHashSet<>();
    int read = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, prefix);
      if (upper.isPresent()) {
        ps.setString(2, upper.get());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          read++;
          if (rs.getString(1).startsWith(prefix)) { // always, but for a prefix with no upper bound
            serials.add(rs.getString(2));
          }
        }
      }
    }
    return read >= rows || serials.size() > max ? null : serials;
  }

  private static List<CertificateRecord> select(Connection c, Filter f, String extra, List<Object> extraArgs,
      int limit) throws SQLException {
    String sql = "SELECT " + JdbcCertificateStore.COLUMNS + " FROM certificates WHERE 1 = 1" + f.sql + extra
        + " ORDER BY issued_at DESC, serial FETCH FIRST " + limit + " ROWS ONLY";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int n = f.bind(ps, 1);
      for (Object a : extraArgs) {
        ps.setObject(n++, a);
      }
      List<CertificateRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(JdbcCertificateStore.read(rs));
        }
      }
      return out;
    }
  }

  /**
   * Newest first, a page at a time (keyset: after the last row's issued_at and serial), keeping the rows with
   * a name starting with {@code prefix}: for prefixes so common that the newest matches are near the top.
   */
  private static List<CertificateRecord> walk(Connection c, Filter f, String prefix, int limit) throws SQLException {
    List<CertificateRecord> out = new ArrayList<>();
    CertificateRecord last = null;
    while (out.size() < limit) {
      List<Object> args = new ArrayList<>();
      String after = "";
      if (last != null) {
        after = " AND issued_at <= ? AND (issued_at < ? OR serial > ?)";
        args.add(last.issuedAt().getEpochSecond());
        args.add(last.issuedAt().getEpochSecond());
        args.add(last.serial().hex());
      }
      List<CertificateRecord> page = select(c, f, after, args, PAGE);
      for (CertificateRecord r : page) {
        if (out.size() < limit && Names.of(r.commonName(), r.sans()).stream().anyMatch(n -> n.startsWith(prefix))) {
          out.add(r);
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      last = page.get(page.size() - 1);
    }
    return out;
  }

  /** The status, expiry and profile conditions of a query, as SQL and its arguments. */
  private record Filter(String sql, List<Object> args) {
    static Filter of(CertificateQuery q) {
      StringBuilder sql = new StringBuilder();
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
      return new Filter(sql.toString(), args);
    }

    int bind(PreparedStatement ps, int first) throws SQLException {
      int n = first;
      for (Object a : args) {
        ps.setObject(n++, a);
      }
      return n;
    }
  }
}
