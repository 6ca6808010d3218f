package dev.padlock.tls.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.testing.EchoServer;
import dev.padlock.tls.testing.MutableClock;
import dev.padlock.tls.testing.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity and trust files replaced under a running server: a client looping handshakes sees no
 * failure, gets the new certificate afterwards, and a corrupt replacement keeps the old state.
 */
class ReloadTest {
  @TempDir Path dir;
  final MutableClock clock = MutableClock.atNow();
  final TestPki.Ca root = TestPki.root("Reload Root").clock(clock).build();
  final TestPki.Leaf client = root.leaf("client").clientAuth().build();
  final List<String> reloads = new CopyOnWriteArrayList<>();
  final List<String> refusedReloads = new CopyOnWriteArrayList<>();
  final ReloadListener listener = new ReloadListener() {
    @Override
    public void reloaded(String what, String description) {
      reloads.add(what + ": " + description);
    }

    @Override
    public void reloadFailed(String what, String error) {
      refusedReloads.add(what + ": " + error);
    }
  };

  TestPki.Leaf serverLeaf(String cn) {
    return root.leaf(cn).dns("localhost").serverAuth().build();
  }

  MutualTls server(Path cert, Path key, Path trust) throws IOException {
    return MutualTls.server(TlsIdentity.fromPem(cert, key)).trust(TrustBundle.fromPem(trust))
        .peerPolicy(PeerPolicy.anyTrustedPeer()).clock(clock).reloadListener(listener)
        .reloadCheckInterval(Duration.ZERO).build();
  }

  MutualTls client() {
    return MutualTls.client(TlsIdentity.of(client.privateKey(), client.chain()))
        .trust(TrustBundle.of(root.certificate())).clock(clock).build();
  }

  static BigInteger servedSerial(MutualTls client, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory()
        .createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("x\n".getBytes());
      s.getInputStream().read(); // the server's greeting: the handshake is accepted both ways
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @Test
  void identityReplacedWhileAClientLoopsHandshakesNoneFailsAndTheNewOneIsServed()
      throws Exception {
    TestPki.Leaf first = serverLeaf("first");
    TestPki.Leaf second = serverLeaf("second");
    Path cert = first.writeChainPem(dir.resolve("server.pem"));
    Path key = first.writeKeyPem(dir.resolve("server.key"));
    MutualTls tls = server(cert, key, root.writePem(dir.resolve("root.pem")));
    Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger handshakes = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    try (EchoServer server = new EchoServer(tls)) {
      Thread loop = new Thread(() -> {
        while (!stop.get()) {
          try {
            // A fresh client context each time: a full handshake, not a resumed session.
            seen.add(servedSerial(client(), server.port()));
            handshakes.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            failures.add(e);
          }
        }
      });
      loop.start();
      awaitHandshakes(handshakes, 20);

      // Not atomic, as an operator's cp would do it: the certificate first, then the key. In between
      // the key does not match: that state is refused and the old identity stays in use.
      second.writeChainPem(cert);
      awaitHandshakes(handshakes, handshakes.get() + 10);
      second.writeKeyPem(key);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!seen.contains(second.serial()) && System.nanoTime() < deadline) {
        awaitHandshakes(handshakes, handshakes.get() + 1);
      }
      int afterSwap = handshakes.get();
      awaitHandshakes(handshakes, afterSwap + 20);

      // A corrupt replacement keeps the identity in use.
      Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n");
      int refusalsBefore = refusedReloads.size();
      awaitHandshakes(handshakes, handshakes.get() + 20);
      stop.set(true);
      loop.join(10_000);

      assertThat(failures).as("handshakes that failed during reloads").isEmpty();
      assertThat(seen).contains(first.serial(), second.serial());
      assertThat(servedSerial(client(), server.port())).isEqualTo(second.serial());
      assertThat(tls.identity().certificate().getSerialNumber()).isEqualTo(second.serial());
      assertThat(refusedReloads.subList(refusalsBefore, refusedReloads.size()))
          .anyMatch(r -> r.contains("server.pem"));
      assertThat(reloads).anyMatch(r -> r.contains("second"));
      System.out.printf("reload test: %d handshakes, %d reloads, %d refused reloads%n",
          handshakes.get(), reloads.size(), refusedReloads.size());
    }
  }

  @Test
  void reloadOnDemandSwapsOrKeepsTheOldStateAndSaysWhy() throws Exception {
    TestPki.Leaf first = serverLeaf("first");
    TestPki.Leaf second = serverLeaf("second");
    Path cert = first.writeChainPem(dir.resolve("server.pem"));
    Path key = first.writeKeyPem(dir.resolve("server.key"));
    MutualTls tls = MutualTls.server(TlsIdentity.fromPem(cert, key))
        .trust(TrustBundle.fromPem(root.writePem(dir.resolve("root.pem"))))
        .peerPolicy(PeerPolicy.anyTrustedPeer()).clock(clock).reloadListener(listener)
        .reloadCheckInterval(Duration.ofDays(1)).build();
    try (EchoServer server = new EchoServer(tls)) {
      assertThat(servedSerial(client(), server.port())).isEqualTo(first.serial());
      second.writeChainPem(cert);
      second.writeKeyPem(key);
      assertThat(servedSerial(client(), server.port())).as("no check before the interval")
          .isEqualTo(first.serial());

      tls.reload();
      assertThat(servedSerial(client(), server.port())).isEqualTo(second.serial());

      serverLeaf("third").writeChainPem(cert); // the key no longer matches
      assertThatThrownBy(tls::reload).isInstanceOf(IOException.class)
          .hasMessageContaining("private key does not match certificate");
      assertThat(servedSerial(client(), server.port())).isEqualTo(second.serial());
    }
  }

  @Test
  void anExpiredReplacementIsRefused() throws Exception {
    TestPki.Leaf first = serverLeaf("first");
    Path cert = first.writeChainPem(dir.resolve("server.pem"));
    Path key = first.writeKeyPem(dir.resolve("server.key"));
    MutualTls tls = server(cert, key, root.writePem(dir.resolve("root.pem")));
    TestPki.Leaf expired = root.leaf("expired").dns("localhost").serverAuth()
        .validity(clock.instant().minus(Duration.ofDays(3)), clock.instant().minus(Duration.ofDays(1)))
        .build();
    expired.writeChainPem(cert);
    expired.writeKeyPem(key);

    assertThatThrownBy(tls::reload).hasMessageContaining("expired");
    assertThat(tls.identity().certificate()).isEqualTo(first.certificate());
  }

  @Test
  void trustBundleReplacedTakesEffectOnTheNextHandshake() throws Exception {
    TestPki.Leaf srv = serverLeaf("server");
    Path trust = root.writePem(dir.resolve("trust.pem"));
    MutualTls tls = server(srv.writeChainPem(dir.resolve("s.pem")),
        srv.writeKeyPem(dir.resolve("s.key")), trust);
    TestPki.Ca newRoot = TestPki.root("New Root").clock(clock).build();
    TestPki.Leaf newClient = newRoot.leaf("new-client").clientAuth().build();
    // A fresh client context per connection: a full handshake, not a resumed session.
    java.util.function.Supplier<MutualTls> newClientTls = () -> MutualTls.client(
        TlsIdentity.of(newClient.privateKey(), newClient.chain()))
        .trust(TrustBundle.of(root.certificate())).clock(clock).build();
    try (EchoServer server = new EchoServer(tls)) {
      assertThat(servedSerial(client(), server.port())).isEqualTo(srv.serial());
      assertThatThrownBy(() -> servedSerial(newClientTls.get(), server.port()))
          .isInstanceOf(IOException.class);

      TestPki.writePem(trust, newRoot.certificate());
      assertThat(servedSerial(newClientTls.get(), server.port())).isEqualTo(srv.serial());
      assertThatThrownBy(() -> servedSerial(client(), server.port()))
          .isInstanceOf(IOException.class);

      Files.writeString(trust, "garbage");
      assertThat(servedSerial(newClientTls.get(), server.port())).isEqualTo(srv.serial());
      assertThat(refusedReloads).anyMatch(r -> r.startsWith("trust bundle"));
    }
  }

  private static void awaitHandshakes(AtomicInteger counter, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (counter.get() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("client loop stalled at " + counter.get() + " handshakes");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
