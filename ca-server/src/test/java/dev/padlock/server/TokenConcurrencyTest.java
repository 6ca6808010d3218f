package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One token, two requests at once: exactly one certificate. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenConcurrencyTest {
  ServerFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new ServerFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @Test
  void oneTokenUsedByTwoConcurrentRequestsYieldsExactlyOneCertificate() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        String cn = "race-" + round;
        String token = f.token("device", cn);
        int before = f.certificateCount();
        HttpClient[] clients = {f.client(null), f.client(null)};
        HttpRequest[] requests = new HttpRequest[2];
        for (int i = 0; i < 2; i++) {
          String csr = Base64.getEncoder().encodeToString(Csrs.csr(Csrs.ecKey(), cn).getEncoded());
          requests[i] = HostileInputTest.est(f, "simpleenroll", token, "application/pkcs10", csr);
        }
        // warm both connections so the two enrollments reach the server together
        for (HttpClient c : clients) {
          c.send(ServerFixture.request(f.https("/api/v1/health")).GET().build(), HttpResponse.BodyHandlers.discarding());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          int n = i;
          results.add(CompletableFuture.supplyAsync(() -> {
            try {
              go.await();
              return clients[n].send(requests[n], HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }, pool));
        }
        go.countDown();
        List<Integer> statuses = results.stream().map(CompletableFuture::join).sorted().toList();
        assertThat(statuses).as("round " + round).containsExactly(200, 401);
        assertThat(f.certificateCount()).as("round " + round).isEqualTo(before + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
