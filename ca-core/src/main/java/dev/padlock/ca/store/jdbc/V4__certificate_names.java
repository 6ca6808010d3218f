package dev.padlock.ca.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Store version 4: fills {@code certificate_names} (created by V3) for the certificates stored before it,
 * splitting the stored SANs as {@link Names} does. Java because splitting {@code sans} in SQL is not
 * portable between H2 and PostgreSQL. Registered in {@link JdbcStores} (Flyway finds SQL migrations by
 * location, Java ones outside {@code db.migration} only when told). Flyway reads the version from the class
 * name, hence its shape.
 */
final class V4__certificate_names extends BaseJavaMigration {
  private static final int BATCH = 1_000;

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (PreparedStatement read = c.prepareStatement("SELECT serial, common_name, sans FROM certificates");
         PreparedStatement insert = c.prepareStatement(
             "INSERT INTO certificate_names (name, serial) VALUES (?, ?)")) {
      read.setFetchSize(BATCH);
      int pending = 0;
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          String serial = rs.getString(1);
          String sans = rs.getString(3);
          List<String> list = sans.isEmpty() ? List.of() : Arrays.asList(sans.split("\n"));
          for (String name : Names.of(rs.getString(2), list)) {
            insert.setString(1, name);
            insert.setString(2, serial);
            insert.addBatch();
            if (++pending == BATCH) {
              insert.executeBatch();
              pending = 0;
            }
          }
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
  }
}
