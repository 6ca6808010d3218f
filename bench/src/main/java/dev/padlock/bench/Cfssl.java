package dev.padlock.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code cfssl serve} (Go), the peer for issuance: started on a loopback port with an EC P-256 CA, no
 * database, signing the same CSRs as padlock through {@code /api/v1/cfssl/sign} (it checks each CSR's
 * signature, then signs) over HTTP/1.1 with keep-alive, one connection per client thread.
 */
final class Cfssl implements AutoCloseable {
  private final Process server;
  private final URI sign;
  private final List<String> bodies = new ArrayList<>();

  private Cfssl(Process server, URI sign, Csrs csrs) {
    this.server = server;
    this.sign = sign;
    for (int i = 0; i < csrs.size(); i++) {
      bodies.add("{\"certificate_request\":\"" + csrs.pem(i).replace("\r", "").replace("\n", "\\n") + "\"}");
    }
  }

  /** Starts cfssl if it is installed. */
  static Optional<Cfssl> start(Path work, Csrs csrs) throws Exception {
    Optional<Path> cfssl = Processes.which("cfssl");
    if (cfssl.isEmpty()) {
      return Optional.empty();
    }
    PeerCa ca = PeerCa.create(work.resolve("cfssl-ca"));
    int port = Processes.freePort();
    Process server = new ProcessBuilder(cfssl.get().toString(), "serve", "-ca", ca.certificate().toString(),
        "-ca-key", ca.key().toString(), "-address", "127.0.0.1", "-port", Integer.toString(port), "-loglevel", "2")
        .redirectErrorStream(true).redirectOutput(work.resolve("cfssl.log").toFile()).start();
    try {
      Processes.awaitPort(port, server, 10_000);
      Cfssl c = new Cfssl(server, URI.create("http://127.0.0.1:" + port + "/api/v1/cfssl/sign"), csrs);
      c.workload(1).window(java.time.Duration.ofMillis(10)); // fails here, loudly, if cfssl refuses the CSRs
      return Optional.of(c);
    } catch (Exception e) {
      Processes.stop(server);
      throw e;
    }
  }

  /** Where cfssl signs: {@code http://127.0.0.1:PORT/api/v1/cfssl/sign}. */
  URI uri() {
    return sign;
  }

  static String missing() {
    return "cfssl not installed (apt-get install golang-cfssl; bench/run installs it when run as root)";
  }

  Harness.Workload workload(int threads) {
    AtomicInteger next = new AtomicInteger();
    return new Harness.Workload("cfssl", threads, t -> {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      return () -> {
        String body = bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()));
        HttpRequest req = HttpRequest.newBuilder(sign).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200 || !resp.body().contains("\"success\":true")) {
          throw new IllegalStateException("cfssl refused to sign: " + resp.statusCode() + " " + resp.body());
        }
        return resp;
      };
    });
  }

  @Override
  public void close() throws InterruptedException {
    Processes.stop(server);
  }
}
