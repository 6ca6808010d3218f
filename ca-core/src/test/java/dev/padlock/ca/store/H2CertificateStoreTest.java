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
}
