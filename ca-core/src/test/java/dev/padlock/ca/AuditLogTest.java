package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.jdbc.JdbcStores;
import dev.padlock.ca.testing.TestCa;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path tmp;
  Path dir;
  Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
  String serial;

  @BeforeEach
  void fill() {
    dir = tmp.resolve("ca");
    TestCa.init(dir, clock);
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      ca.issue(IssueRequest.builder("client").commonName("a").build());
      serial = ca.issue(IssueRequest.builder("client").commonName("b").build()).record().serial().hex();
      ca.revoke(serial, RevocationReason.SUPERSEDED, "test");
    }
  }

  private AuditChain.Verdict verify() {
    try (CertificateAuthority ca = TestCa.open(dir, clock)) {
      return ca.verifyAudit();
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(JdbcStores.h2Url(dir), "padlock", "")) {
      c.createStatement().executeUpdate(statement);
    }
  }

  @Test
  void intactLogVerifies() {
    AuditChain.Verdict v = verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isEqualTo(5); // init, admin certificate, issue, issue, revoke
  }

  @Test
  void editedEntryIsNamed() throws Exception {
    sql("UPDATE audit_log SET detail = 'profile=client cn=mallory' WHERE seq = 3");
    AuditChain.Verdict v = verify();
    assertThat(v.firstBreak()).hasValueSatisfying(b -> {
      assertThat(b.sequence()).isEqualTo(3);
      assertThat(b.reason()).contains("changed");
    });
  }

  @Test
  void deletedEntryIsNamed() throws Exception {
    sql("DELETE FROM audit_log WHERE seq = 2");
    assertThat(verify().firstBreak()).hasValueSatisfying(b -> assertThat(b.sequence()).isEqualTo(3));
  }

  @Test
  void rewrittenEntryWithRecomputedHashBreaksTheNextLink() throws Exception {
    // An attacker who recomputes the hash of the entry they changed still breaks the link of the next one.
    var e = new dev.padlock.ca.audit.AuditEvent(clock.instant(), "issue", "00", "mallory", "x");
    String prev;
    try (Connection c = DriverManager.getConnection(JdbcStores.h2Url(dir), "padlock", "")) {
      var rs = c.createStatement().executeQuery("SELECT prev_hash FROM audit_log WHERE seq = 2");
      rs.next();
      prev = rs.getString(1);
    }
    sql("UPDATE audit_log SET action = 'issue', serial = '00', actor = 'mallory', detail = 'x', at = "
        + clock.instant().getEpochSecond() + ", hash = '" + AuditChain.hash(2, e, prev) + "' WHERE seq = 2");
    assertThat(verify().firstBreak()).hasValueSatisfying(b -> {
      assertThat(b.sequence()).isEqualTo(3);
      assertThat(b.reason()).contains("link");
    });
  }
}
