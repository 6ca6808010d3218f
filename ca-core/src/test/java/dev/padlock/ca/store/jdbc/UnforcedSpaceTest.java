package dev.padlock.ca.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 reuses a dead chunk's space only once the change that killed it is on the disk, whoever made it. A
 * write through another connection that does not force (as the CLI's through AUTO_SERVER while {@code
 * padlock serve} has the database: its commit and its force are two round trips) must not have its freed
 * space overwritten by this process before it is forced: a power failure in between would leave the last
 * forced state pointing at pages that are gone. H2 frees a dead chunk only if the change that killed it is
 * older than every pinned version ({@code MVStore.getOldestVersionToKeep}), so that is what is checked.
 */
class UnforcedSpaceTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  @TempDir Path tmp;
  private final SecureRandom random = new SecureRandom();

  @Test
  void spaceFreedByAnotherConnectionsUnforcedCommitWaitsForTheNextForce() throws Exception {
    String url = JdbcStores.h2Url(tmp);
    // Retention 0: nothing but the pin holds dead space back.
    try (CertificateStore store = JdbcStores.open(url, "padlock", "", 2, true, 0);
         Connection other = DriverManager.getConnection(url, "padlock", "")) {
      H2Compaction compaction = ((JdbcCertificateStore) store).compaction();
      MVStore mv = H2Compaction.mvStore(other);
      for (int i = 0; i < 50; i++) {
        issue(store);
      }
      long forced = compaction.forcedVersion();
      assertThat(forced).isPositive();

      // Another writer rewrites every certificate row and commits, without forcing: every chunk that held
      // a page of the table dies at a version no force has covered.
      long before = mv.getCurrentVersion();
      try (Statement s = other.createStatement()) {
        assertThat(s.executeUpdate("UPDATE certificates SET requester = 'someone else'")).isEqualTo(50);
      }
      assertThat(mv.getCurrentVersion()).as("H2 wrote the commit").isGreaterThan(before);
      assertThat(before).isGreaterThanOrEqualTo(forced);
      // None of that space may be used yet: the oldest version H2 keeps is no newer than the last force.
      assertThat(oldestVersionToKeep(mv)).isLessThanOrEqualTo(forced);

      // The next force (this process issuing) covers the other writer's commit, and the pin moves past it.
      issue(store);
      assertThat(compaction.forcedVersion()).isGreaterThan(before);
      assertThat(oldestVersionToKeep(mv)).isGreaterThan(before);

      // Pins do not pile up: after many forces H2 keeps nothing older than the last one, or than the pin
      // taken when the store header was last pointed, which is at most CHAIN_LIMIT chunks behind.
      for (int i = 0; i < 100; i++) {
        issue(store);
      }
      long kept = Math.min(compaction.forcedVersion(), compaction.headerPinnedVersion());
      assertThat(oldestVersionToKeep(mv)).isGreaterThanOrEqualTo(kept);
      assertThat(kept).isGreaterThanOrEqualTo(compaction.forcedVersion() - H2Compaction.CHAIN_LIMIT - 2);
    }
  }

  @Test
  void forcesThatLeaveTheHeaderWhereItIsHoldBackAtMostChainLimitVersions() throws Exception {
    // A force that leaves the store header where it is keeps the pin taken when the header was last pointed
    // (H2Compaction#point), and with it every dead chunk since: H2 would reuse no space while forces chain.
    // CHAIN_LIMIT is what bounds it, after every force.
    String url = JdbcStores.h2Url(tmp);
    try (CertificateStore store = JdbcStores.open(url, "padlock", "", 2, true, 0)) {
      H2Compaction compaction = ((JdbcCertificateStore) store).compaction();
      long widest = 0;
      for (int i = 0; i < 600; i++) {
        issue(store);
        widest = Math.max(widest, compaction.forcedVersion() - compaction.headerPinnedVersion());
      }
      assertThat(compaction.chained()).as("forces that left the header where it was").isPositive();
      assertThat(compaction.pointed()).as("forces that pointed it").isPositive();
      // Chains ran long (to the bound itself, 64, in 6 of 6 runs; else removing it could go unnoticed), and
      // the bound held.
      assertThat(widest).isBetween(H2Compaction.CHAIN_LIMIT / 2L, H2Compaction.CHAIN_LIMIT + 2L);
    }
  }

  @Test
  void closingLetsThePinGo() throws Exception {
    String url = JdbcStores.h2Url(tmp);
    try (Connection other = DriverManager.getConnection(url, "padlock", "")) { // keeps the database open
      MVStore mv = H2Compaction.mvStore(other);
      try (CertificateStore store = JdbcStores.open(url, "padlock", "", 2, true, 0)) {
        for (int i = 0; i < 20; i++) {
          issue(store);
        }
        try (Statement s = other.createStatement()) { // a commit no force has covered yet
          s.executeUpdate("UPDATE certificates SET requester = 'someone else'");
        }
        assertThat(oldestVersionToKeep(mv)).isLessThan(mv.getCurrentVersion());
      }
      // What H2 asserts as it closes the database (MVStore.closeStore): no version is pinned any more. With
      // the pin held, the close-time compaction could not give dead space back either.
      assertThat(oldestVersionToKeep(mv)).isEqualTo(mv.getCurrentVersion());
    }
  }

  private void issue(CertificateStore store) {
    byte[] der = new byte[700];
    random.nextBytes(der);
    CertificateRecord r = new CertificateRecord(SerialNumber.random(random), "CN=device", "device",
        List.of("dns:device.test"), "device", "ec-p256", NOW.minusSeconds(60), NOW.plusSeconds(86_400), NOW,
        Fingerprints.sha256(der), der, "test", Optional.empty());
    store.recordIssued(r, new AuditEvent(NOW, "issue", r.serial().hex(), "test", ""));
  }

  /** H2's own bound on reuse (package-private in H2: read reflectively, for this test only). */
  private static long oldestVersionToKeep(MVStore mv) throws Exception {
    Method m = MVStore.class.getDeclaredMethod("getOldestVersionToKeep");
    m.setAccessible(true);
    return (long) m.invoke(mv);
  }
}
