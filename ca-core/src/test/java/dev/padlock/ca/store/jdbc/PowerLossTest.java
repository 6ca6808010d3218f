package dev.padlock.ca.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store when the power fails under it, simulated by {@link PowerLoss}. */
class PowerLossTest {
  private static final PowerLoss FS = new PowerLoss();
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  @TempDir Path tmp;

  @BeforeAll
  static void register() {
    FilePath.register(FS);
  }

  @AfterAll
  static void unregister() {
    FilePath.unregister(FS);
  }

  @Test
  void anIssuanceWhoseCommitCannotBeWrittenIsRefused() throws Exception {
    // The power is cut before the commit: H2 cannot write it, and then cannot roll it back either. Until
    // this was found the certificate was reported stored (it had been inserted before the commit failed),
    // so a CA would have handed out a certificate it never recorded.
    Path dir = Files.createDirectories(tmp.resolve("refused"));
    CertificateStore store = JdbcStores.open("jdbc:h2:powerloss:" + dir.resolve("padlock") + ";WRITE_DELAY=0",
        "padlock", "", 2, true);
    try {
      Random random = new Random(7);
      CertificateRecord stored = record(random);
      store.recordIssued(stored, new AuditEvent(NOW, "issue", stored.serial().hex(), "test", ""));
      PowerLoss.cut(dir);
      CertificateRecord refused = record(random);
      assertThatThrownBy(() -> store.recordIssued(refused,
          new AuditEvent(NOW, "issue", refused.serial().hex(), "test", "")))
          .isInstanceOf(PadlockException.class)
          .extracting(e -> ((PadlockException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(PowerLoss.isCut(dir)).isTrue();
    } finally {
      try {
        store.close();
      } catch (RuntimeException e) {
        // the power is off: closing cannot write
      }
    }
  }

  static CertificateRecord record(Random random) {
    byte[] der = new byte[400 + random.nextInt(400)];
    random.nextBytes(der);
    SerialNumber serial = new SerialNumber(new BigInteger(SerialNumber.RANDOM_BITS, random).setBit(0));
    String cn = "device-" + serial.hex().substring(0, 8).toLowerCase(Locale.ROOT);
    return new CertificateRecord(serial, "CN=" + cn, cn, List.of("dns:" + cn + ".test"), "client", "ec-p256",
        NOW.minusSeconds(60), NOW.plusSeconds(86_400), NOW, Fingerprints.sha256(der), der, "test",
        Optional.empty());
  }
}
