package dev.padlock.tls.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.reload.ReloadListener;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestOcspResponder;
import dev.padlock.tls.testing.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRL caching, refresh schedule and reload rules, and the OCSP cache, on an injected clock. */
class RevocationSourceTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2033-01-01T00:00:00Z"));
  final TestPki.Ca root = TestPki.root("Rev Root").clock(clock).build();
  final TestPki.Leaf leaf = root.leaf("leaf").serverAuth().build();
  final List<String> refusedReloads = new CopyOnWriteArrayList<>();
  final ReloadListener listener = new ReloadListener() {
    @Override
    public void reloadFailed(String what, String error) {
      refusedReloads.add(error);
    }
  };

  FailureCause check(RevocationSource source) {
    PeerCertificateException e = catchThrowableOfType(PeerCertificateException.class,
        () -> source.check(List.of(leaf.certificate()), root.certificate(), clock.instant()));
    return e == null ? null : e.failureCause();
  }

  @Test
  void crlUrlIsRefreshedAfterTheIntervalAndBeforeNextUpdateNotOnEveryHandshake() throws Exception {
    AtomicReference<byte[]> crl = new AtomicReference<>(root.crl()
        .nextUpdate(clock.instant().plus(Duration.ofMinutes(12))).build().getEncoded());
    AtomicInteger fetches = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/crl", ex -> {
      fetches.incrementAndGet();
      byte[] body = crl.get();
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    try {
      RevocationSource source = RevocationSource.builder()
          .crlUrl(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/crl")).build();
      for (int i = 0; i < 50; i++) {
        assertThat(check(source)).isNull();
      }
      assertThat(fetches).hasValue(1);
      clock.advance(Duration.ofMinutes(4));
      check(source);
      assertThat(fetches).as("within the 5 minute interval").hasValue(1);
      clock.advance(Duration.ofMinutes(1));
      check(source);
      assertThat(fetches).as("interval passed").hasValue(2);
      clock.advance(Duration.ofMinutes(4)); // 9 minutes: not yet 5 after the last fetch
      check(source);
      assertThat(fetches).hasValue(2);
      clock.advance(Duration.ofMinutes(2)); // 11 minutes: one minute before nextUpdate
      crl.set(root.crl().revoke(leaf, TestPki.Reason.KEY_COMPROMISE).build().getEncoded());
      assertThat(check(source)).as("refreshed before nextUpdate")
          .isEqualTo(FailureCause.PEER_CERTIFICATE_REVOKED);
      assertThat(fetches).hasValue(3);
    } finally {
      http.stop(0);
    }
  }

  @Test
  void crlFileChangesArePickedUpAndForgedOrOlderReplacementsAreRefused() throws Exception {
    Path file = root.crl().number(5).writePem(dir.resolve("crl.pem"));
    RevocationSource source = RevocationSource.builder().crlFile(file).listener(listener).build();
    assertThat(check(source)).isNull();

    TestPki.Ca impostor = TestPki.root("Rev Root").clock(clock).build();
    root.crl().number(6).signedBy(impostor).revoke(leaf, TestPki.Reason.KEY_COMPROMISE)
        .writePem(file);
    clock.advance(Duration.ofSeconds(1));
    assertThat(check(source)).as("a forged CRL is not believed").isNull();
    assertThat(refusedReloads).last().asString().contains("not signed");

    root.crl().number(4).revoke(leaf, TestPki.Reason.KEY_COMPROMISE).writePem(file);
    clock.advance(Duration.ofSeconds(1));
    assertThat(check(source)).as("an older CRL does not replace a newer one").isNull();
    assertThat(refusedReloads).last().asString().contains("older");

    root.crl().number(7).revoke(leaf, TestPki.Reason.KEY_COMPROMISE).writePem(file);
    clock.advance(Duration.ofSeconds(1));
    assertThat(check(source)).isEqualTo(FailureCause.PEER_CERTIFICATE_REVOKED);
  }

  @Test
  void aForgedFirstCrlIsNeverBelieved() {
    TestPki.Ca impostor = TestPki.root("Rev Root").clock(clock).build();
    Path file = root.crl().signedBy(impostor).writePem(dir.resolve("forged.pem"));
    RevocationSource source = RevocationSource.builder().crlFile(file).build();
    assertThat(check(source)).isEqualTo(FailureCause.REVOCATION_UNAVAILABLE);
  }

  @Test
  void staleAndMissingDataFailClosedUnlessSoftFailButRevokedIsAlwaysRefused() {
    Path stale = root.crl().thisUpdate(clock.instant().minus(Duration.ofDays(2)))
        .nextUpdate(clock.instant().minus(Duration.ofDays(1))).writePem(dir.resolve("stale.pem"));
    assertThat(check(RevocationSource.builder().crlFile(stale).build()))
        .isEqualTo(FailureCause.REVOCATION_STALE);
    assertThat(check(RevocationSource.builder().crlFile(stale).softFail().build())).isNull();
    Path missing = dir.resolve("missing.pem");
    assertThat(check(RevocationSource.builder().crlFile(missing).build()))
        .isEqualTo(FailureCause.REVOCATION_UNAVAILABLE);
    assertThat(check(RevocationSource.builder().crlFile(missing).softFail().build())).isNull();
    Path staleButRevoked = root.crl().thisUpdate(clock.instant().minus(Duration.ofDays(2)))
        .nextUpdate(clock.instant().minus(Duration.ofDays(1)))
        .revoke(leaf, TestPki.Reason.KEY_COMPROMISE).writePem(dir.resolve("stale-revoked.pem"));
    assertThat(check(RevocationSource.builder().crlFile(staleButRevoked).softFail().build()))
        .isEqualTo(FailureCause.PEER_CERTIFICATE_REVOKED);
    assertThatCode(() -> RevocationSource.none().check(List.of(leaf.certificate()),
        root.certificate(), clock.instant())).doesNotThrowAnyException();
  }

  @Test
  void ocspAnswersAreCachedUntilTheIntervalAndRevocationIsSeenAfterIt() {
    try (TestOcspResponder ocsp = new TestOcspResponder(root, clock)) {
      RevocationSource source = RevocationSource.builder()
          .ocspResponder(URI.create(ocsp.url())).refreshInterval(Duration.ofMinutes(5)).build();
      for (int i = 0; i < 20; i++) {
        assertThat(check(source)).isNull();
      }
      assertThat(ocsp.requests()).isEqualTo(1);
      ocsp.revoke(leaf.serial(), TestPki.Reason.KEY_COMPROMISE);
      clock.advance(Duration.ofMinutes(4));
      assertThat(check(source)).as("cached good answer").isNull();
      clock.advance(Duration.ofMinutes(1));
      assertThat(check(source)).isEqualTo(FailureCause.PEER_CERTIFICATE_REVOKED);
      assertThat(ocsp.requests()).isEqualTo(2);
    }
  }

  @Test
  void anOcspAnswerFromAnotherKeyIsNotBelieved() {
    TestPki.Ca impostor = TestPki.root("Rev Root").clock(clock).build();
    try (TestOcspResponder ocsp = new TestOcspResponder(impostor, clock)) {
      RevocationSource source = RevocationSource.builder().ocspResponder(URI.create(ocsp.url()))
          .build();
      assertThat(check(source)).isEqualTo(FailureCause.REVOCATION_UNAVAILABLE);
    }
  }
}
