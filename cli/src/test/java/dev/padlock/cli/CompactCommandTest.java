package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code padlock compact}: a database file that grew gets its dead space back, the CA is intact after it,
 * and a database another connection has open is left alone.
 */
class CompactCommandTest {
  @TempDir Path tmp;

  private Cli cli() {
    return new Cli(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC), tmp)
        .env("PADLOCK_PASSPHRASE", "s3cret passphrase").env("PADLOCK_HOME", tmp + "/ca");
  }

  @Test
  void givesTheDeadSpaceOfAGrownFileBackAndLeavesTheCaIntact() throws Exception {
    Cli cli = cli();
    assertThat(cli.run("init", "--name", "Compact Test").exit()).isZero();
    assertThat(cli.run("issue", "--profile", "server", "--cn", "api.test", "--san", "dns:api.test", "--key-out",
        tmp + "/api.key", "--out", tmp + "/api.pem").exit()).isZero();
    // Grow the file the way the store did before it compacted itself: many small commits on random keys
    // (in a table of the test's own, next to the CA's), each chunk keeping a live leaf and much dead space.
    Path ca = tmp.resolve("ca");
    Path file = ca.resolve("db").resolve("padlock.mv.db");
    long grown;
    try (Connection c = DriverManager.getConnection(JdbcStores.h2Url(ca), "padlock", "");
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE grow (k VARCHAR(64) PRIMARY KEY, v VARBINARY(1024))");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO grow (k, v) VALUES (?, ?)")) {
        for (int i = 0; i < 3_000; i++) {
          ins.setString(1, UUID.randomUUID().toString());
          ins.setBytes(2, new byte[700]);
          ins.executeUpdate(); // autocommit: a chunk each
        }
      }
      grown = Files.size(file); // before closing, which compacts for 200 ms on its own
    }

    Cli.Result compact = cli.run("compact");
    assertThat(compact.exit()).as(compact.err()).isZero();
    assertThat(compact.out()).startsWith("Compacted the CA database: ");
    // 19 MB -> 0.3 MB here; a plain close (which compacts for 200 ms) left 1-5 MB
    assertThat(Files.size(file)).isLessThan(grown / 20);

    assertThat(cli.run("audit", "verify").out()).contains("Audit log intact");
    assertThat(cli.run("list", "--name", "api.test").out()).contains("api.test");
    assertThat(cli.run("issue", "--profile", "server", "--cn", "web.test", "--san", "dns:web.test", "--key-out",
        tmp + "/web.key", "--out", tmp + "/web.pem").exit()).isZero();
  }

  @Test
  void leavesADatabaseThatIsOpenElsewhereAlone() throws Exception {
    Cli cli = cli();
    assertThat(cli.run("init", "--name", "Compact Test").exit()).isZero();
    Path ca = tmp.resolve("ca");
    Path file = ca.resolve("db").resolve("padlock.mv.db");
    try (CertificateStore store = JdbcStores.openH2(ca, 1)) { // as padlock serve holds it
      long size = Files.size(file);
      Cli.Result compact = cli.run("compact");
      assertThat(compact.exit()).isEqualTo(ExitCodes.REFUSED);
      assertThat(compact.err()).isEqualTo("padlock: the CA's database is open in another process (padlock serve?): "
          + "stop it, then compact; compacting closes the database\n");
      assertThat(Files.size(file)).isEqualTo(size);
      assertThat(store.list(dev.padlock.ca.store.CertificateQuery.all(Instant.now(), 10))).isNotEmpty(); // still works
    }
  }

  @Test
  void aDirectoryWithoutACaIsOneLineAndNonZero() {
    Cli.Result compact = cli().run("compact", "--dir", tmp.resolve("nothing").toString());
    assertThat(compact.exit()).isNotZero();
    assertThat(compact.err()).startsWith("padlock: no CA database at ").endsWith("(or PADLOCK_HOME)\n");
    assertThat(compact.err().lines()).hasSize(1);
  }
}
