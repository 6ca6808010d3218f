package dev.padlock.ca.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.store.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * Opens the store: an H2 file database inside the CA directory (the default), or any JDBC URL
 * (PostgreSQL for a CA that runs as several replicas). Migrates the schema on open.
 */
public final class JdbcStores {
  private JdbcStores() {}

  /** The H2 database of the CA in {@code caDir}: {@code caDir/db/padlock.mv.db}. */
  public static String h2Url(Path caDir) {
    // AUTO_SERVER lets the CLI use the database while 'padlock serve' has it open (the first process
    // serves it to the others over loopback); WRITE_DELAY=0 writes every commit to disk at once.
    return "jdbc:h2:file:" + caDir.toAbsolutePath().resolve("db").resolve("padlock")
        + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
  }

  /** The CA's H2 database, every issuance, revocation and audit entry forced to the disk before it returns. */
  public static CertificateStore openH2(Path caDir, int poolSize) {
    return openH2(caDir, poolSize, true);
  }

  /**
   * The CA's H2 database. H2 writes every commit to the operating system at once (WRITE_DELAY=0), which a
   * killed or crashed padlock survives; {@code forceToDisk} also waits for the disk (fsync), which a power
   * failure or a kernel crash survives.
   */
  public static CertificateStore openH2(Path caDir, int poolSize, boolean forceToDisk) {
    return open(h2Url(caDir), "padlock", "", poolSize, forceToDisk);
  }

  /** Any JDBC database; for PostgreSQL, its own settings (synchronous_commit) decide when a commit is on disk. */
  public static CertificateStore open(String jdbcUrl, String user, String password, int poolSize) {
    return open(jdbcUrl, user, password, poolSize, false);
  }

  /**
   * @param forceToDisk force H2's file to the disk (one or two fsyncs) after each transaction that issues, revokes
   *     or audits (H2 only)
   */
  public static CertificateStore open(String jdbcUrl, String user, String password, int poolSize,
      boolean forceToDisk) {
    return open(jdbcUrl, user, password, poolSize, forceToDisk, H2Compaction.retentionMs(forceToDisk));
  }

  /** As above, with H2's retention time given (tests; negative: H2's own). */
  static CertificateStore open(String jdbcUrl, String user, String password, int poolSize, boolean forceToDisk,
      int h2RetentionMs) {
    // Opening writes (H2's recovery, Flyway, the force after it): not on an interrupted thread.
    return Uninterrupted.run(() -> openNow(jdbcUrl, user, password, poolSize, forceToDisk,
        h2RetentionMs));
  }

  private static CertificateStore openNow(String jdbcUrl, String user, String password, int poolSize,
      boolean forceToDisk, int h2RetentionMs) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(Math.max(poolSize, 2)); // Flyway holds two connections while it migrates
    config.setMinimumIdle(1);
    config.setPoolName("padlock-store");
    config.setAutoCommit(true);
    config.setInitializationFailTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "cannot open the certificate store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try {
      boolean postgres = jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .placeholders(Map.of(
              "binary", postgres ? "BYTEA" : "VARBINARY(65536)",
              "blob", postgres ? "BYTEA" : "BLOB",
              // Names are searched by prefix with a range [p, p'): code-point order, whatever the database's
              // locale (H2 compares UTF-16 units, the same order for the names stored).
              "text_order", postgres ? "COLLATE \"C\"" : ""))
          .javaMigrations(new V4__certificate_names())
          .load()
          .migrate();
    } catch (FlywayException e) {
      ds.close();
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "cannot migrate the certificate store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try (Connection c = ds.getConnection()) {
      checkTables(c, jdbcUrl);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      if (e instanceof PadlockException p) {
        throw p;
      }
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "cannot open the certificate store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    if (!jdbcUrl.startsWith("jdbc:h2:")) {
      return new JdbcCertificateStore(ds, ds, false, null);
    }
    H2Compaction compaction = new H2Compaction(forceToDisk, h2RetentionMs);
    try (Connection c = ds.getConnection()) {
      compaction.opened(c);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "cannot open the certificate store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    return new JdbcCertificateStore(ds, ds, forceToDisk, compaction);
  }

  /** The tables the migrations create (db/migration), every one of which the store reads or writes. */
  static final List<String> TABLES = List.of("certificates", "certificate_names", "revocations", "crl",
      "audit_log", "enrollment_tokens");

  /**
   * Refuses a store whose schema history says it is migrated but that lacks one of its tables, or cannot
   * read its first row: H2 opening a file damaged by a torn write drops a table whose pages it cannot read,
   * and says so only in its trace file (PowerLossTest). Without this the CA would start and fail request by
   * request, or carry on with its certificates or its audit log gone.
   */
  private static void checkTables(Connection c, String jdbcUrl) throws SQLException {
    for (String table : TABLES) {
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT 1 FROM " + table + " LIMIT 1").close();
      } catch (SQLException e) {
        String cause = rootMessage(e);
        cause = cause == null ? "" : " (" + cause.lines().findFirst().orElse("") + ")";
        throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "the certificate store at " + redact(jdbcUrl)
            + " has no table " + table + ", or cannot read it, though its schema is migrated" + cause + ": "
            + (jdbcUrl.startsWith("jdbc:h2:") ? "the database is damaged; restore the CA directory from a backup"
                : "check the database's permissions and schema, or restore it from a backup"), e);
      }
    }
  }

  /** What {@link #compactH2} did: the size of the database file before and after, in bytes. */
  public record Compacted(long bytesBefore, long bytesAfter) {}

  /**
   * Rewrites the CA's H2 file with its live data only (H2's {@code SHUTDOWN COMPACT}) and gives the rest back
   * to the file system. The store keeps a file from growing while it runs, but a file only shrinks when H2
   * moves its chunks, which closing the database does for 200 ms: a file that grew (before the store
   * compacted itself, 1.3 GB for 44,735 certificates, 35 MB compacted) stays as large until this runs.
   * Refused while another process ({@code padlock serve}) or another connection has the database open:
   * compacting closes it.
   */
  public static Compacted compactH2(Path caDir) {
    return Uninterrupted.run(() -> compactH2Now(caDir));
  }

  private static Compacted compactH2Now(Path caDir) {
    Path file = caDir.toAbsolutePath().resolve("db").resolve("padlock.mv.db");
    if (!Files.isRegularFile(file)) {
      throw new PadlockException(ErrorCode.CA_NOT_FOUND, "no CA database at " + file
          + ": give the CA directory with --dir (or PADLOCK_HOME)");
    }
    long before = size(file);
    try (Connection c = DriverManager.getConnection(h2Url(caDir), "padlock", "")) {
      if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)
          || local.getDatabase().getSessionCount() > 1) {
        throw new PadlockException(ErrorCode.STORE_IN_USE, "the CA's database is open in another process "
            + "(padlock serve?): stop it, then compact; compacting closes the database");
      }
      try (Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
      }
    } catch (SQLException e) {
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "cannot compact the certificate store at " + file + ": " + rootMessage(e), e);
    }
    return new Compacted(before, size(file));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String redact(String url) {
    int semi = url.indexOf(';');
    return semi < 0 ? url : url.substring(0, semi);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
