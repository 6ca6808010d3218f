package dev.padlock.ca.store;

import dev.padlock.ca.store.jdbc.JdbcStores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2CertificateStoreTest extends CertificateStoreContract {
  @TempDir Path tmp;

  @Override
  CertificateStore openStore() {
    return JdbcStores.openH2(tmp, 4);
  }

  @Override
  String emptyDatabaseUrl() {
    return JdbcStores.h2Url(tmp.resolve("older"));
  }

  @Override
  String databaseUser() {
    return "padlock";
  }

  @Override
  CertificateStore openSecondStore() {
    return JdbcStores.openH2(tmp, 2);
  }
}
