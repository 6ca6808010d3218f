package dev.padlock.ca.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA's H2 file stays near the size of what it holds while certificates are issued one commit at a
 * time: without compaction each issuance left ~30 KB of dead chunk space behind (H2 copies on write, and
 * the certificates table is keyed by a random serial), so the file grew by the full amount.
 */
class StoreCompactionTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final int N = 4_000;

  @TempDir Path tmp;
  private final SecureRandom random = new SecureRandom();

  private CertificateRecord record() {
    byte[] der = new byte[700]; // about a P-256 leaf's DER
    random.nextBytes(der);
    return new CertificateRecord(SerialNumber.random(random), "CN=device", "device", List.of("dns:device.test"),
        "device", "ec-p256", NOW.minusSeconds(60), NOW.plusSeconds(86_400), NOW, Fingerprints.sha256(der), der,
        "test", Optional.empty());
  }

  @Test
  void issuingOneCommitAtATimeDoesNotFillTheFileWithDeadChunks() {
    Path file = tmp.resolve("db").resolve("padlock.mv.db");
    List<CertificateRecord> issued = new ArrayList<>();
    long size;
    // Retention 0: dead space is used again at once, so the file's size does not depend on how many
    // commits this machine makes in the production retention time (5 s).
    try (CertificateStore store = JdbcStores.open(JdbcStores.h2Url(tmp), "padlock", "", 2, true, 0)) {
      for (int i = 0; i < N; i++) {
        CertificateRecord r = record();
        store.recordIssued(r, new AuditEvent(NOW, "issue", r.serial().hex(), "test", ""));
        issued.add(r);
      }
      size = sizeOf(file); // before closing, which compacts for a moment on its own
      H2Compaction compaction = ((JdbcCertificateStore) store).compaction();
      assertThat(compaction.compactions()).isPositive();
      assertThat(compaction.failures()).isZero();
    }
    // 4,000 certificates of ~1 KB with their audit and index entries: 15 MB here on the bench machine;
    // 77 MB with the compaction taken out (and more with H2's retention time).
    assertThat(size).isLessThan(30L << 20);
    try (CertificateStore store = JdbcStores.openH2(tmp, 2)) {
      for (CertificateRecord r : issued) { // every page that was moved is still found where it went
        assertThat(store.find(r.serial())).map(CertificateRecord::der).contains(r.der());
      }
    }
  }

  @Test
  void aStoreThatForcesItsCommitsUsesDeadSpaceAfterFiveSecondsWithoutWritingThatToTheFile() throws Exception {
    try (CertificateStore store = JdbcStores.openH2(tmp, 2, true);
         Connection c = DriverManager.getConnection(JdbcStores.h2Url(tmp), "padlock", "")) {
      assertThat(H2Compaction.mvStore(c).getRetentionTime()).isEqualTo(H2Compaction.FORCED_RETENTION_MS);
    }
    try (CertificateStore store = JdbcStores.openH2(tmp, 2, false);
         Connection c = DriverManager.getConnection(JdbcStores.h2Url(tmp), "padlock", "")) {
      assertThat(H2Compaction.mvStore(c).getRetentionTime()).isEqualTo(45_000); // H2's own, not the 5 s
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
