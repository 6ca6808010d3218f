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
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CertificateStore} must do; run against H2 and against a real PostgreSQL server. */
abstract class CertificateStoreContract {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  final SecureRandom random = new SecureRandom();
  CertificateStore store;

  abstract CertificateStore openStore() throws Exception;

  /** Another store on the database of the last {@link #openStore()}: as another process would open it. */
  abstract CertificateStore openSecondStore() throws Exception;

  /** The JDBC URL of a new, empty database (for a store as an older padlock left it). */
  abstract String emptyDatabaseUrl() throws Exception;

  /** The database user of {@link #emptyDatabaseUrl()}, with an empty password. */
  abstract String databaseUser();

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
    assertThat(store.list(CertificateQuery.all(NOW, 2))).hasSize(2);
  }

  @Test
  void nameSearchIsByPrefixOfTheCnOrOfASanValueIgnoringCase() {
    CertificateRecord web = record("Web", "server", NOW.plus(Duration.ofDays(30))); // SAN dns:Web.test
    CertificateRecord api = new CertificateRecord(SerialNumber.random(random), "CN=api", "api",
        List.of("dns:api.internal.example", "ip:10.0.0.7", "uri:spiffe://example.org/api", "email:ops@example.org"),
        "server", "ec-p256", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(30)), NOW, "a".repeat(64),
        new byte[] {1}, "test", Optional.empty());
    for (CertificateRecord r : List.of(web, api)) {
      store.recordIssued(r, event("issue", r));
    }
    assertThat(names(byName("web"))).containsExactly("Web");
    assertThat(names(byName("WE"))).containsExactly("Web");
    assertThat(names(byName("web.te"))).containsExactly("Web"); // the SAN's value
    assertThat(names(byName("dns:web.test"))).containsExactly("Web"); // a SAN as the CLI writes it
    assertThat(names(byName("eb"))).isEmpty(); // a prefix, not a substring
    assertThat(names(byName("10.0.0"))).containsExactly("api");
    assertThat(names(byName("spiffe://example.org/"))).containsExactly("api");
    assertThat(names(byName("ops@"))).containsExactly("api");
    assertThat(names(byName("api.internal.example"))).containsExactly("api");
    assertThat(names(byName("api.internal.example.com"))).isEmpty();
    assertThat(names(byName("%"))).isEmpty();
    assertThat(names(byName("_"))).isEmpty();
    assertThat(names(byName("  "))).containsExactlyInAnyOrder("Web", "api"); // blank: no name filter
    assertThat(names(store.list(new CertificateQuery(Optional.of(CertificateStatus.REVOKED), Optional.empty(),
        Optional.empty(), Optional.of("web"), NOW, 10)))).isEmpty(); // with the other filters
  }

  @Test
  void aPrefixMatchingVeryManyCertificatesListsTheNewestFirstAsAnExactOneDoes() {
    List<CertificateRecord> all = new ArrayList<>();
    for (int i = 0; i < 560; i++) {
      CertificateRecord r = record(String.format("bulk-%04d", i), i % 2 == 0 ? "server" : "client",
          NOW.plus(Duration.ofDays(30)));
      r = new CertificateRecord(r.serial(), r.subject(), r.commonName(), r.sans(), r.profile(), r.keyType(),
          r.notBefore(), r.notAfter(), NOW.minusSeconds(1000 - i / 3), r.fingerprintSha256(), r.der(), r.requester(),
          Optional.empty());
      all.add(r);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4); // concurrent issuance: batches of several
    List<Future<?>> done = new ArrayList<>();
    for (CertificateRecord r : all) {
      done.add(pool.submit(() -> store.recordIssued(r, event("issue", r))));
    }
    done.forEach(f -> {
      try {
        f.get();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    pool.shutdown();
    List<String> newest = all.stream()
        .sorted(Comparator.comparing(CertificateRecord::issuedAt).reversed()
            .thenComparing(r -> r.serial().hex()))
        .map(CertificateRecord::commonName).toList();
    // 560 matches: more than the listing fetches by name, so it walks the newest certificates instead.
    assertThat(names(store.list(new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("BULK-"), NOW, 25)))).containsExactlyElementsOf(newest.subList(0, 25));
    assertThat(names(store.list(new CertificateQuery(Optional.empty(), Optional.of("client"), Optional.empty(),
        Optional.of("bulk"), NOW, 600)))).containsExactlyElementsOf(
            newest.stream().filter(n -> Integer.parseInt(n.substring(5)) % 2 == 1).toList());
    // 10 matches: fetched by name, same order.
    assertThat(names(store.list(new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("bulk-055"), NOW, 100)))).containsExactlyElementsOf(
            newest.stream().filter(n -> n.startsWith("bulk-055")).toList());
    assertThat(auditEntries()).isEqualTo(560);
  }

  @Test
  void revokedCertificatesAreListedNewestFirstWhetherFewOrMany() throws Exception {
    List<CertificateRecord> all = new ArrayList<>();
    for (int i = 0; i < 1_100; i++) {
      CertificateRecord r = record(String.format("r-%04d", i), "client", NOW.plus(Duration.ofDays(30)));
      all.add(new CertificateRecord(r.serial(), r.subject(), r.commonName(), r.sans(), r.profile(), r.keyType(),
          r.notBefore(), r.notAfter(), NOW.minusSeconds(2_000 - i), r.fingerprintSha256(), r.der(), r.requester(),
          Optional.empty()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (CertificateRecord r : all) {
      done.add(pool.submit(() -> store.recordIssued(r, event("issue", r))));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    CertificateQuery revoked = new CertificateQuery(Optional.of(CertificateStatus.REVOKED), Optional.empty(),
        Optional.empty(), Optional.empty(), NOW, 20);
    // Three revoked among 1,100: fetched by serial from the revocations journal.
    for (int i : new int[] {5, 700, 300}) {
      store.revoke(all.get(i).serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", all.get(i)));
    }
    assertThat(names(store.list(revoked))).containsExactly("r-0700", "r-0300", "r-0005");
    // More revoked than the listing fetches by serial: it walks the newest certificates instead.
    for (int i = 0; i < 1_100; i += 1) {
      if (i != 5 && i != 700 && i != 300 && i % 13 != 0) {
        store.revoke(all.get(i).serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", all.get(i)));
      }
    }
    List<String> newest = new ArrayList<>();
    for (int i = 1_099; newest.size() < 20; i--) {
      if (i % 13 != 0 || i == 5 || i == 700 || i == 300) {
        newest.add(String.format("r-%04d", i));
      }
    }
    assertThat(names(store.list(revoked))).containsExactlyElementsOf(newest);
  }

  private List<CertificateRecord> byName(String name) {
    return store.list(new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(name),
        NOW, 100));
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
  void revocationsStreamInCommitOrderFromWhereTheLastReadStopped() throws Exception {
    assertThat(store.lastRevocationSequence()).isEqualTo(Long.MIN_VALUE);
    List<CertificateRecord> rs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CertificateRecord r = record("r" + i, "client", NOW.plus(Duration.ofDays(30)));
      store.recordIssued(r, event("issue", r));
      rs.add(r);
    }
    store.revoke(rs.get(0).serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", rs.get(0)));
    List<SerialNumber> seen = new ArrayList<>();
    long through = store.forEachRevokedSince(Long.MIN_VALUE, e -> seen.add(e.serial()));
    assertThat(seen).containsExactly(rs.get(0).serial());
    assertThat(through).isEqualTo(store.lastRevocationSequence());

    try (CertificateStore other = openSecondStore()) { // another process revokes, then this one
      other.revoke(rs.get(2).serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", rs.get(2)));
      store.revoke(rs.get(1).serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", rs.get(1)));
      other.revoke(rs.get(3).serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", rs.get(3)));
    }
    seen.clear();
    long next = store.forEachRevokedSince(through, e -> seen.add(e.serial()));
    assertThat(seen).containsExactly(rs.get(2).serial(), rs.get(1).serial(), rs.get(3).serial());
    assertThat(next).isGreaterThan(through).isEqualTo(store.lastRevocationSequence());
    assertThat(store.forEachRevokedSince(next, e -> seen.add(e.serial()))).isEqualTo(next);
    assertThat(auditEntries()).isEqualTo(8);
  }

  @Test
  void anotherProcessAppendingMeanwhileLeavesTheAuditChainWhole() throws Exception {
    try (CertificateStore other = openSecondStore()) {
      for (int i = 0; i < 5; i++) {
        // Each store keeps the chain's head in memory; the other's append makes it stale every time.
        CertificateRecord a = record("a" + i, "client", NOW.plus(Duration.ofDays(1)));
        store.recordIssued(a, event("issue", a));
        CertificateRecord b = record("b" + i, "client", NOW.plus(Duration.ofDays(1)));
        other.recordIssued(b, event("issue", b));
        other.appendAudit(new AuditEvent(NOW, "note", "", "test", "from the other process"));
      }
    }
    assertThat(auditEntries()).isEqualTo(15);
    assertThat(store.list(CertificateQuery.all(NOW, 100))).hasSize(10);
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
  void concurrentIssuancesOfOneSerialStoreItOnce() throws Exception {
    CertificateRecord first = record("same", "client", NOW.plus(Duration.ofDays(1)));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> done = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CertificateRecord r = new CertificateRecord(first.serial(), first.subject(), "same" + i, first.sans(),
          first.profile(), first.keyType(), first.notBefore(), first.notAfter(), first.issuedAt(),
          first.fingerprintSha256(), first.der(), first.requester(), Optional.empty());
      // Whether they share a transaction or not, one is stored and the others are refused as duplicates.
      done.add(pool.submit(() -> {
        try {
          store.recordIssued(r, event("issue", r));
          return true;
        } catch (CertificateStore.DuplicateSerialException e) {
          return false;
        }
      }));
    }
    long ok = 0;
    for (Future<Boolean> f : done) {
      ok += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(ok).isEqualTo(1);
    assertThat(store.list(CertificateQuery.all(NOW, 100))).hasSize(1);
    assertThat(auditEntries()).isEqualTo(1);
  }

  @Test
  void aStoreLeftByVersion2GetsItsNamesAndRevocationsWhenOpened() throws Exception {
    String url = emptyDatabaseUrl();
    boolean postgres = url.startsWith("jdbc:postgresql:");
    // The schema as padlock's store version 2 made it, with the placeholders JdbcStores gives.
    Flyway.configure().dataSource(url, databaseUser(), "").locations("classpath:db/migration").target("2")
        .placeholders(Map.of("binary", postgres ? "BYTEA" : "VARBINARY(65536)", "blob", postgres ? "BYTEA" : "BLOB",
            "text_order", ""))
        .load().migrate();
    CertificateRecord web = record("Old-Web", "server", NOW.plus(Duration.ofDays(30)));
    CertificateRecord gone = record("gone", "client", NOW.plus(Duration.ofDays(30)));
    CertificateRecord lost = record("lost", "client", NOW.plus(Duration.ofDays(30)));
    try (Connection c = DriverManager.getConnection(url, databaseUser(), "")) {
      insertAsVersion2(c, web, List.of("dns:Old-Web.example", "ip:10.1.2.3"), null, null);
      insertAsVersion2(c, gone, gone.sans(), NOW.minusSeconds(30), RevocationReason.KEY_COMPROMISE);
      insertAsVersion2(c, lost, lost.sans(), NOW.minusSeconds(20), RevocationReason.UNSPECIFIED);
    }
    try (CertificateStore old = JdbcStores.open(url, databaseUser(), "", 2)) {
      CertificateQuery byName = new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of("old-web.ex"), NOW, 10);
      assertThat(names(old.list(byName))).containsExactly("Old-Web");
      assertThat(names(old.list(new CertificateQuery(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of("10.1.2"), NOW, 10)))).containsExactly("Old-Web");
      List<RevokedEntry> before = new ArrayList<>();
      long through = old.forEachRevokedSince(Long.MIN_VALUE, before::add);
      assertThat(before).extracting(RevokedEntry::serial).containsExactlyInAnyOrder(gone.serial(), lost.serial());
      assertThat(before).extracting(RevokedEntry::reason)
          .containsExactlyInAnyOrder(RevocationReason.KEY_COMPROMISE, RevocationReason.UNSPECIFIED);
      assertThat(through).isEqualTo(old.lastRevocationSequence()).isLessThan(1); // below every audit sequence

      old.revoke(web.serial(), RevocationReason.SUPERSEDED, NOW, event("revoke", web));
      List<SerialNumber> since = new ArrayList<>();
      assertThat(old.forEachRevokedSince(through, e -> since.add(e.serial()))).isGreaterThan(through);
      assertThat(since).containsExactly(web.serial());
    }
  }

  private static void insertAsVersion2(Connection c, CertificateRecord r, List<String> sans, Instant revokedAt,
      RevocationReason reason) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificates (serial, subject, common_name, sans, "
        + "profile, key_type, not_before, not_after, issued_at, fingerprint, der, requester, status, revoked_at, "
        + "revocation_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.serial().hex());
      ps.setString(2, r.subject());
      ps.setString(3, r.commonName());
      ps.setString(4, String.join("\n", sans));
      ps.setString(5, r.profile());
      ps.setString(6, r.keyType());
      ps.setLong(7, r.notBefore().getEpochSecond());
      ps.setLong(8, r.notAfter().getEpochSecond());
      ps.setLong(9, r.issuedAt().getEpochSecond());
      ps.setString(10, r.fingerprintSha256());
      ps.setBytes(11, r.der());
      ps.setString(12, r.requester());
      ps.setString(13, revokedAt == null ? "valid" : "revoked");
      ps.setObject(14, revokedAt == null ? null : revokedAt.getEpochSecond(), java.sql.Types.BIGINT);
      ps.setObject(15, reason == null ? null : reason.code(), java.sql.Types.INTEGER);
      ps.executeUpdate();
    }
  }

  @Test
  void crlNumberOnlyGoesUp() {
    assertThat(store.latestCrl()).isEmpty();
    assertThat(store.latestCrlNumber()).isEmpty();
    assertThat(store.nextCrlNumber()).isEqualTo(BigInteger.ONE);
    assertThat(store.saveCrl(new StoredCrl(BigInteger.TWO, NOW, NOW.plusSeconds(60), new byte[] {2}))).isTrue();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.ONE, NOW, NOW.plusSeconds(60), new byte[] {1}))).isFalse();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.TWO, NOW, NOW.plusSeconds(60), new byte[] {3}))).isFalse();
    assertThat(store.saveCrl(new StoredCrl(BigInteger.valueOf(3), NOW, NOW.plusSeconds(90), new byte[] {4}, 17)))
        .isTrue();
    StoredCrl latest = store.latestCrl().orElseThrow();
    assertThat(latest.number()).isEqualTo(3);
    assertThat(latest.der()).containsExactly(4);
    assertThat(latest.nextUpdate()).isEqualTo(NOW.plusSeconds(90));
    assertThat(latest.revocationsThrough()).isEqualTo(17);
    assertThat(store.latestCrlNumber()).contains(BigInteger.valueOf(3));
    assertThat(store.nextCrlNumber()).isEqualTo(4);
  }

  @Test
  void aTakenSerialFailsOnlyItsOwnIssuanceWhenIssuancesShareATransaction() throws Exception {
    List<CertificateRecord> stored = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CertificateRecord r = record("first" + i, "client", NOW.plus(Duration.ofDays(1)));
      store.recordIssued(r, event("issue", r));
      stored.add(r);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> done = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      CertificateRecord fresh = record("second" + i, "client", NOW.plus(Duration.ofDays(1)));
      CertificateRecord r = i % 8 != 3 ? fresh : new CertificateRecord(stored.get(i / 8).serial(), fresh.subject(),
          fresh.commonName(), fresh.sans(), fresh.profile(), fresh.keyType(), fresh.notBefore(), fresh.notAfter(),
          fresh.issuedAt(), fresh.fingerprintSha256(), fresh.der(), fresh.requester(), Optional.empty());
      done.add(pool.submit(() -> {
        try {
          store.recordIssued(r, event("issue", r));
          return true;
        } catch (CertificateStore.DuplicateSerialException e) {
          return false;
        }
      }));
    }
    long ok = 0;
    for (Future<Boolean> f : done) {
      ok += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(ok).isEqualTo(70);
    assertThat(store.list(CertificateQuery.all(NOW, 1000))).hasSize(80);
    assertThat(auditEntries()).isEqualTo(80);
    for (CertificateRecord r : stored) {
      assertThat(store.find(r.serial()).orElseThrow().commonName()).startsWith("first");
    }
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
