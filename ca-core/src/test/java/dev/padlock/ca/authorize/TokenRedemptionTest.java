package dev.padlock.ca.authorize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.testing.MutableClock;
import dev.padlock.ca.testing.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment tokens in ca-core: constraints applied by issue, spent exactly once, only a hash stored. */
class TokenRedemptionTest {
  @TempDir Path tmp;
  MutableClock clock;
  CertificateAuthority ca;

  @BeforeEach
  void open() {
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    TestCa.init(tmp.resolve("ca"), clock);
    ca = TestCa.open(tmp.resolve("ca"), clock);
  }

  @AfterEach
  void close() {
    ca.close();
  }

  private int certificates() {
    return ca.list(CertificateQuery.all(clock.instant(), 1000)).size();
  }

  private EnrollmentToken token(String cn, String... sans) {
    return ca.createToken(new TokenRequest("device", cn, java.util.Arrays.stream(sans).map(SubjectAltName::parse)
        .toList(), Duration.ofHours(1)), "test");
  }

  @Test
  void twoIssuancesAuthorizedByOneTokenYieldExactlyOneCertificate() throws Exception {
    for (int round = 0; round < 10; round++) {
      EnrollmentToken t = token("race-" + round);
      // both callers pass authorization before either spends the token: only the conditional update decides
      Authorization a = ca.tokenAuthorizer().authorize(t.value());
      Authorization b = ca.tokenAuthorizer().authorize(t.value());
      int before = certificates();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (Authorization auth : List.of(a, b)) {
        results.add(pool.submit(() -> {
          go.await();
          try {
            ca.issue(IssueRequest.builder("device").build(), auth);
            return "issued";
          } catch (PadlockException e) {
            return e.code().slug();
          }
        }));
      }
      go.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<String> r : results) {
        outcomes.add(r.get());
      }
      pool.shutdown();
      assertThat(outcomes).as("round " + round).containsExactlyInAnyOrder("issued", "unauthorized");
      assertThat(certificates()).isEqualTo(before + 1);
    }
  }

  @Test
  void aTokenIsBoundToItsNamesAndIsNotSpentByARefusal() {
    EnrollmentToken t = token("dev-9", "dns:dev-9.devices.internal");
    Authorization auth = ca.tokenAuthorizer().authorize(t.value());
    int before = certificates();
    assertThatThrownBy(() -> ca.issue(IssueRequest.builder("device").commonName("dev-10").build(), auth))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_NOT_ALLOWED));
    assertThatThrownBy(() -> ca.issue(IssueRequest.builder("device").san(SubjectAltName.parse("dns:bank.example"))
        .build(), auth))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_NOT_ALLOWED));
    assertThatThrownBy(() -> ca.issue(IssueRequest.builder("server").build(), auth))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(certificates()).isEqualTo(before);

    var issued = ca.issue(IssueRequest.builder("device").build(), auth); // the token's CN and names by default
    assertThat(issued.record().commonName()).isEqualTo("dev-9");
    assertThat(issued.record().sans()).containsExactly("dns:dev-9.devices.internal");
    assertThat(issued.record().requester()).isEqualTo("token:" + t.grant().id());
  }

  @Test
  void wrongUsedAndExpiredTokensAreRefusedAlike() {
    EnrollmentToken used = token("u-1");
    ca.issue(IssueRequest.builder("device").build(), ca.tokenAuthorizer().authorize(used.value()));
    EnrollmentToken expired = token("u-2");
    clock.advance(Duration.ofHours(2));
    for (String presented : List.of("pdl_wrong", used.value(), expired.value(), "", "x".repeat(500))) {
      assertThatThrownBy(() -> ca.tokenAuthorizer().authorize(presented))
          .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED))
          .hasMessage("the enrollment token is not valid (unknown, already used or expired): ask for a new one");
    }
  }

  @Test
  void onlyTheHashIsStored() throws Exception {
    EnrollmentToken t = token("h-1");
    try (var c = java.sql.DriverManager.getConnection(dev.padlock.ca.store.jdbc.JdbcStores.h2Url(tmp.resolve("ca")),
        "padlock", ""); var rs = c.createStatement().executeQuery("SELECT * FROM enrollment_tokens")) {
      StringBuilder all = new StringBuilder();
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          all.append(rs.getString(i)).append('|');
        }
      }
      assertThat(all.toString()).contains(EnrollmentToken.hash(t.value())).doesNotContain(t.value())
          .doesNotContain(t.value().substring(4));
    }
  }
}
