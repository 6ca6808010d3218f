package dev.padlock.bench;

import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Stream;

/** A padlock CA made for a benchmark: EC P-256 (the default), with a base URL so leaves carry CRL DP and AIA. */
final class BenchCa {
  static final String PASSPHRASE = "bench passphrase, not a secret";
  static final String BASE_URL = "http://ca.bench.test:8080";

  private BenchCa() {}

  /**
   * Creates a CA at {@code dir}: a copy of one made by {@code padlock init}'s code once per work directory
   * (init derives three keys with PBKDF2 at 600k iterations; copying saves seconds per CA).
   */
  static void init(Path dir) throws IOException {
    Path template = dir.toAbsolutePath().getParent().resolve("template-ca");
    if (!Files.exists(template)) {
      CaInitializer.init(new CaInitializer.Options(template, "Bench", KeyAlgorithm.EC_P256, Optional.of(BASE_URL),
          Optional.empty(), PASSPHRASE.toCharArray()), Clock.systemUTC());
    }
    try (Stream<Path> files = Files.walk(template)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = dir.resolve(template.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static CertificateAuthority open(Path dir) {
    return CertificateAuthority.open(dir, Clock.systemUTC(), PassphraseSource.of(PASSPHRASE.toCharArray()));
  }

  /** The issuing CA's signer, as the CA holds it (a BC key, converted once). */
  static SoftwareCaSigner signer(CertificateAuthority ca) {
    return new SoftwareCaSigner(ca.issuingCertificate(),
        EncryptedKeyFile.read(ca.directory().issuingKey(), PASSPHRASE.toCharArray()));
  }

  /**
   * A plain JDBC connection to the CA's H2 database for bulk loading, while the CA is closed: the CA's own
   * URL with H2's background compaction off (a third faster to load). Close it before opening the CA, so
   * that the CA opens the database with its own settings.
   */
  static Connection bulkLoad(Path dir) throws SQLException {
    return DriverManager.getConnection(JdbcStores.h2Url(dir) + ";AUTO_COMPACT_FILL_RATE=0", "padlock", "");
  }
}
