package dev.padlock.ca.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.revoke.RevocationReason;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CertificateStore} must do; run against H2 and against a real PostgreSQL server. */
abstract class CertificateStoreContract {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  final SecureRandom random = new SecureRandom();
  CertificateStore store;

  abstract CertificateStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  CertificateRecord record(String cn, String profile, Instant notAfter) {
    byte[] der = new byte[300];
    random.nextBytes(der);
    return new CertificateRecord(SerialNumber.random(random), "CN=" + cn, cn, List.of("dns:" + cn + ".test"), profile,
        "ec-p256", NOW.minusSeconds(60), notAfter, NOW, Fingerprints.sha256(der), der, "test", Optional.empty());
  }

  AuditEvent event(String action, CertificateRecord r) {
    return new AuditEvent(NOW, action, r.serial().hex(), "test", "cn=" + r.commonName());
  }

  long auditEntries() {
    AuditChain.Verifier v = new AuditChain.Verifier();
    store.forEachAudit(v);
    assertThat(v.verdict().intact()).isTrue();
    return v.verdict().entries();
  }

  @Test
  void storedCertificateComesBackWhole() {
    CertificateRecord r = record("a", "server", NOW.plus(Duration.ofDays(30)));
    store.recordIssued(r, event("issue", r));
    CertificateRecord back = store.find(r.serial()).orElseThrow();
    assertThat(back).usingRecursiveComparison().isEqualTo(r);
    assertThat(store.find(SerialNumber.random(random))).isEmpty();
    assertThat(auditEntries()).isEqualTo(1);
  }

  @Test
  void listFiltersByStatusProfileExpiryAndName() {
    CertificateRecord valid = record("web", "server", NOW.plus(Duration.ofDays(30)));
    CertificateRecord soon = record("soon", "client", NOW.plus(Duration.ofDays(2)));
    CertificateRecord expired = record("old", "client", NOW.minus(Duration.ofDays(1)));
    CertificateRecord revoked = record("gone", "device", NOW.plus(Duration.ofDays(30)));
    for (CertificateRecord r : List.of(valid, soon, expired, revoked)) {
      store.recordIssued(r, event("issue", r));
    }
    store.revoke(revoked.serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", revoked));

    assertThat(names(query(Optional.of(CertificateStatus.VALID), Optional.empty(), Optional.empty(), Optional.empty())))
        .containsExactlyInAnyOrder("web", "soon");
    assertThat(names(query(Optional.of(CertificateStatus.EXPIRED), Optional.empty(), Optional.empty(), Optional.empty())))
        .containsExactly("old");
    assertThat(names(query(Optional.of(CertificateStatus.REVOKED), Optional.empty(), Optional.empty(), Optional.empty())))
        .containsExactly("gone");
    assertThat(names(query(Optional.empty(), Optional.of("client"), Optional.empty(), Optional.empty())))
        .containsExactlyInAnyOrder("soon", "old");
    assertThat(names(query(Optional.empty(), Optional.empty(), Optional.of(Duration.ofDays(7)), Optional.empty())))
        .containsExactly("soon");
    assertThat(names(query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("EB.TE"))))
        .containsExactly("web");
    assertThat(names(query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("%")))).isEmpty();
    assertThat(store.list(CertificateQuery.all(NOW, 2))).hasSize(2);
  }

  private List<CertificateRecord> query(Optional<CertificateStatus> s, Optional<String> p, Optional<Duration> d,
      Optional<String> n) {
    return store.list(new CertificateQuery(s, p, d, n, NOW, 100));
  }

  private static List<String> names(List<CertificateRecord> rs) {
    return rs.stream().map(CertificateRecord::commonName).toList();
  }

  @Test
  void revocationIsOnceOnlyAndStreamsToTheCrl() {
    CertificateRecord r = record("r", "client", NOW.plus(Duration.ofDays(30)));
    store.recordIssued(r, event("issue", r));
    store.revoke(r.serial(), RevocationReason.SUPERSEDED, NOW.plusSeconds(5), event("revoke", r));

    assertThatThrownBy(() -> store.revoke(r.serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", r)))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_REVOKED));
    SerialNumber unknown = SerialNumber.random(random);
    assertThatThrownBy(() -> store.revoke(unknown, RevocationReason.KEY_COMPROMISE, NOW, event("revoke", r)))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SERIAL));

    List<RevokedEntry> entries = new ArrayList<>();
    store.forEachRevoked(entries::add);
    assertThat(entries).containsExactly(new RevokedEntry(r.serial(), NOW.plusSeconds(5), RevocationReason.SUPERSEDED));
    assertThat(auditEntries()).isEqualTo(2); // the refused revocations wrote nothing
  }

  @Test
  void duplicateSerialIsRefusedAndWritesNothing() {
    CertificateRecord r = record("a", "client", NOW.plus(Duration.ofDays(30)));
    store.recordIssued(r, event("issue", r));
    CertificateRecord same = new CertificateRecord(r.serial(), "CN=b", "b", List.of(), "client", "ec-p256",
        r.notBefore(), r.notAfter(), NOW, "f".repeat(64), new byte[] {1}, "test", Optional.empty());
    assertThatThrownBy(() -> store.recordIssued(same, event("issue", same)))
        .isInstanceOf(CertificateStore.DuplicateSerialException.class);
    assertThat(store.find(r.serial()).orElseThrow().commonName()).isEqualTo("a");
    assertThat(auditEntries()).isEqualTo(1);
  }

  @Test
  void crlNumberOnlyGoesUp() {
    assertThat(store.latestCrl()).isEmpty();
    assertThat(store.nextCrlNumber()).isEqualTo(BigInteger.ONE);
    assertThat(store.saveCrl(new StoredCrl(BigInteger.TWO, NOW, NOW.plusSeconds(60), new byte[] {2}))).isTrue();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.ONE, NOW, NOW.plusSeconds(60), new byte[] {1}))).isFalse();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.TWO, NOW, NOW.plusSeconds(60), new byte[] {3}))).isFalse();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.valueOf(3), NOW, NOW.plusSeconds(90), new byte[] {4}))).isTrue();
    StoredCrl latest = store.latestCrl().orElseThrow();
    assertThat(latest.number()).isEqualTo(3);
    assertThat(latest.der()).containsExactly(4);
    assertThat(latest.nextUpdate()).isEqualTo(NOW.plusSeconds(90));
  }

  @Test
  void concurrentWritersKeepTheAuditChainWhole() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < 25; i++) {
          CertificateRecord r = record("c", "client", NOW.plus(Duration.ofDays(1)));
          store.recordIssued(r, event("issue", r));
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertThat(auditEntries()).isEqualTo(100);
    assertThat(store.list(CertificateQuery.all(NOW, 1000))).hasSize(100);
  }
}
