package dev.padlock.ca.store;

import dev.padlock.ca.store.jdbc.JdbcStores;
import dev.padlock.ca.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real PostgreSQL server, one fresh database per test. */
class PostgresCertificateStoreTest extends CertificateStoreContract {
  static PostgresServer pg;
  static final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  static void start() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  String db;

  @Override
  CertificateStore openSecondStore() {
    return JdbcStores.open(pg.jdbcUrl().replace("/postgres", "/" + db), pg.user(), "", 2);
  }

  @Override
  CertificateStore openStore() throws Exception {
    db = createDatabase();
    return JdbcStores.open(pg.jdbcUrl().replace("/postgres", "/" + db), pg.user(), "", 4);
  }

  @Override
  String emptyDatabaseUrl() throws Exception {
    return pg.jdbcUrl().replace("/postgres", "/" + createDatabase());
  }

  @Override
  String databaseUser() {
    return pg.user();
  }

  private static String createDatabase() throws Exception {
    String name = "t" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "")) {
      c.createStatement().execute("CREATE DATABASE " + name);
    }
    return name;
  }
}
