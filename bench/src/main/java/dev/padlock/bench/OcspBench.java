package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.sign.BouncyCastle;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.server.PadlockServer;
import dev.padlock.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP (RFC 6960) over plain HTTP: padlock's responder in {@code padlock serve} against {@code openssl ocsp
 * -index} serving the same revocation data (an {@code index.txt} written from the store's records) with
 * the same responder key and certificate (the issuing CA's). Each request asks about one stored
 * certificate (one in ten revoked) and carries its own 16-byte nonce, so no answer can be cached. Both
 * are driven by {@link HttpLoad} from {@value #CONNECTIONS} client threads; padlock over keep-alive
 * connections, openssl 3.0 as it serves (HTTP/1.0, a connection per request) with {@code -multi 2}, one
 * responder process per core. Padlock with a connection per request is shown as context.
 */
final class OcspBench {
  static final int CONNECTIONS = 4;
  private static final int REQUESTS = 1024;
  private static final int REVOKED_EVERY = 10;

  private OcspBench() {}

  /** padlock serve over a filled store, and the requests for it. */
  static final class Target implements AutoCloseable {
    final Path dir;
    final PadlockServer server;
    final CertificateAuthority ca;
    final StoreFiller rows;
    final int size;
    final List<byte[]> requests = new ArrayList<>();
    final List<Integer> rowOf = new ArrayList<>();

    Target(Path work, int size) throws Exception {
      this.dir = work.resolve("ocsp-ca");
      this.size = size;
      BenchCa.init(dir);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      this.rows = new StoreFiller(5, Bench.sampleLeaf(), now, size);
      try (Connection jdbc = BenchCa.bulkLoad(dir)) {
        rows.fill(jdbc, 0, size, new StoreFiller.Kind(false, REVOKED_EVERY));
      }
      this.server = PadlockServer.start(ServerConfig.builder(dir)
          .passphrase(PassphraseSource.of(BenchCa.PASSPHRASE.toCharArray())).bindAddress("127.0.0.1").httpsPort(0)
          .httpPort(0).build());
      this.ca = server.authority();
      SecureRandom random = new SecureRandom();
      DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
      for (int k = 0; k < REQUESTS; k++) {
        int row = random.nextInt(size);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        OCSPReq req = new OCSPReqBuilder()
            .addRequest(new CertificateID(digests.get(CertificateID.HASH_SHA1), ca.issuingCertificate(),
                rows.serial(row).value()))
            .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new DEROctetString(new DEROctetString(nonce).getEncoded()))))
            .build();
        requests.add(req.getEncoded());
        rowOf.add(row);
      }
    }

    boolean revoked(int row) {
      return row % REVOKED_EVERY == REVOKED_EVERY - 1;
    }

    /** HTTP requests for {@code path} on {@code port}, one per OCSP request (with a Content-Length), and headers. */
    IntFunction<byte[]> http(int port, String path, String... headers) {
      return http(false, port, path, headers);
    }

    /**
     * The same requests with their bodies chunked: {@code padlock serve} hands a chunked POST to Jersey
     * rather than to {@code OcspHandler}, so this measures the path every OCSP POST took before it.
     */
    IntFunction<byte[]> httpChunked(int port, String path) {
      return http(true, port, path);
    }

    private IntFunction<byte[]> http(boolean chunked, int port, String path, String... headers) {
      List<String> h = new ArrayList<>(List.of("Content-Type: application/ocsp-request"));
      h.addAll(Arrays.asList(headers));
      byte[][] all = requests.stream()
          .map(r -> chunked ? HttpLoad.chunked("POST", path, port, h, r) : HttpLoad.request("POST", path, port, h, r))
          .toArray(byte[][]::new);
      AtomicInteger next = new AtomicInteger();
      return n -> all[Math.floorMod(next.getAndIncrement(), all.length)];
    }

    /**
     * Sends the first {@code n} requests (through {@code http}, built by {@link #http} or {@link #httpChunked})
     * outside the timed windows and checks each answer as a relying party would: successful, signed by the
     * issuing CA's key, the nonce echoed, the status the store holds.
     */
    void check(HttpLoad load, IntFunction<byte[]> http, int n, String who) throws Exception {
      X509CertificateHolder issuer = ca.issuingCertificate();
      var verifier = new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.provider()).build(issuer);
      for (int k = 0; k < n; k++) {
        HttpLoad.Response r = load.once(http.apply(k));
        OCSPResp resp = new OCSPResp(r.body());
        if (r.status() != 200 || resp.getStatus() != OCSPResp.SUCCESSFUL) {
          throw new IllegalStateException(who + ": OCSP answered HTTP " + r.status() + ", status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        if (!basic.isSignatureValid(verifier)) {
          throw new IllegalStateException(who + ": the OCSP response's signature does not verify");
        }
        // The builders hand out the requests in order from the first call, so call k sent request k.
        OCSPReq asked = new OCSPReq(requests.get(k % requests.size()));
        Extension sent = asked.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        Extension got = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (got == null || !Arrays.equals(sent.getExtnValue().getOctets(), got.getExtnValue().getOctets())) {
          throw new IllegalStateException(who + ": the nonce is not echoed");
        }
        SingleResp single = basic.getResponses()[0];
        int row = rowOf.get(k % requests.size());
        if (!single.getCertID().getSerialNumber().equals(rows.serial(row).value())) {
          throw new IllegalStateException(who + ": answered about another serial than asked");
        }
        Object status = single.getCertStatus();
        boolean ok = revoked(row) ? status instanceof RevokedStatus : status == null; // null is good
        if (!ok) {
          throw new IllegalStateException(who + ": row " + row + " (" + (revoked(row) ? "revoked" : "valid")
              + ") answered " + (status == null ? "good" : status.getClass().getSimpleName()));
        }
      }
    }

    /** The store's records as openssl's CA database (index.txt): status, expiry, revocation, serial, name. */
    void writeIndex(Path file) throws IOException {
      DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
      StringBuilder sb = new StringBuilder();
      List<CertificateRecord> all = ca.list(CertificateQuery.all(Instant.now(), size + 100));
      for (CertificateRecord r : all) {
        Optional<CertificateRecord.Revocation> rev = r.revocation();
        sb.append(rev.isPresent() ? 'R' : 'V').append('\t').append(utc.format(r.notAfter())).append('\t');
        rev.ifPresent(v -> sb.append(utc.format(v.at())).append(',').append(opensslReason(v.reason().code())));
        sb.append('\t').append(r.serial().hex()).append("\tunknown\t/").append(r.subject().replace(",", "/"))
            .append('\n');
      }
      Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** openssl's names for CRL reasons in index.txt (apps/ca.c crl_reasons). */
  private static String opensslReason(int code) {
    return switch (code) {
      case 1 -> "keyCompromise";
      case 2 -> "CACompromise";
      case 3 -> "affiliationChanged";
      case 4 -> "superseded";
      case 5 -> "cessationOfOperation";
      case 6 -> "certificateHold";
      case 9 -> "privilegeWithdrawn";
      case 10 -> "AACompromise";
      default -> "unspecified";
    };
  }

  /** {@code openssl ocsp} as a responder on the same data. */
  static final class Openssl implements AutoCloseable {
    final Process process;
    final int port;

    Openssl(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Optional<Openssl> start(Target target, Path work) throws Exception {
      Optional<Path> openssl = Processes.which("openssl");
      if (openssl.isEmpty()) {
        return Optional.empty();
      }
      Path dir = Files.createDirectories(work.resolve("openssl-ocsp"));
      target.writeIndex(dir.resolve("index.txt"));
      Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
      Files.writeString(dir.resolve("issuing.pem"), Pem.certificate(target.ca.issuingCertificate()));
      Files.writeString(dir.resolve("issuing.key"), Pem.privateKey(EncryptedKeyFile.read(
          target.ca.directory().issuingKey(), BenchCa.PASSPHRASE.toCharArray())));
      int port = Processes.freePort();
      Process p = new ProcessBuilder(openssl.get().toString(), "ocsp", "-index", "index.txt", "-port",
          Integer.toString(port), "-rsigner", "issuing.pem", "-rkey", "issuing.key", "-CA", "issuing.pem",
          "-multi", "2", "-ignore_err")
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("ocsp.log").toFile()).start();
      try {
        awaitListening(dir.resolve("ocsp.log"), p, 10_000);
        return Optional.of(new Openssl(p, port));
      } catch (Exception e) {
        Processes.stop(p);
        throw e;
      }
    }

    /**
     * Waits for openssl's {@code ACCEPT} line rather than probing the port: openssl 3.0's {@code ocsp -multi}
     * child that accepts a connection closed without a request (what {@link Processes#awaitPort} does)
     * loops on its EOF for good, re-reading index.txt's status, so one of the two responders served nothing
     * and burnt a core's share through every window of the section, padlock's included.
     */
    private static void awaitListening(Path log, Process p, int timeoutMillis) throws Exception {
      long stop = System.currentTimeMillis() + timeoutMillis;
      while (System.currentTimeMillis() < stop) {
        if (!p.isAlive()) {
          throw new IOException("openssl ocsp exited with " + p.exitValue() + ": " + Files.readString(log).strip());
        }
        if (Files.exists(log) && Files.readAllLines(log).stream().anyMatch(l -> l.startsWith("ACCEPT"))) {
          return;
        }
        Thread.sleep(20);
      }
      throw new IOException("openssl ocsp did not listen within " + timeoutMillis + " ms");
    }

    @Override
    public void close() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroy);
      Processes.stop(process);
    }
  }

  /** Rows in the store answered from: OCSP reads one row by serial (an index probe), so size matters little. */
  static int storeSize(Plan plan) {
    return switch (plan.name()) {
      case "tiny" -> 1_000;
      case "quick" -> 10_000;
      default -> 100_000;
    };
  }

  static void run(Plan plan, Report report, Path work) throws Exception {
    Path dir = Files.createDirectories(work.resolve("ocsp"));
    report.section("OCSP over HTTP with nonces, " + CONNECTIONS + " client connections, vs openssl ocsp, "
        + "interleaved round by round");
    Duration window = plan.window().dividedBy(2);
    int warmups = Math.min(plan.warmups(), 1);
    int runs = plan.name().equals("full") ? plan.breakdownRuns() : Math.min(plan.breakdownRuns(), 2);
    ceiling(window, warmups, 1, report);
    int size = storeSize(plan);
    try (Target t = new Target(work, size)) {
      int port = t.server.httpPort();
      try (HttpLoad load = new HttpLoad(port, null); HttpLoad jersey = new HttpLoad(port, null);
          HttpLoad perRequest = new HttpLoad(port, null)) {
        t.check(load, t.http(port, "/ocsp"), 32, "padlock");
        t.check(jersey, t.httpChunked(port, "/ocsp"), 32, "padlock via Jersey");
        Optional<Openssl> openssl = Optional.empty();
        String noOpenssl = "peers are not run by plan " + plan.name();
        if (plan.peers()) {
          try {
            openssl = Openssl.start(t, dir);
            noOpenssl = "openssl not installed";
          } catch (Exception e) {
            noOpenssl = "openssl ocsp failed to start: " + Bench.firstLine(e);
          }
        }
        HttpLoad opensslLoad = openssl.map(o -> new HttpLoad(o.port, null)).orElse(null);
        try {
          List<Harness.Workload> w = new ArrayList<>(List.of(
              load.workload("ocsp", CONNECTIONS, t.http(port, "/ocsp")),
              jersey.workload("ocsp-jersey", CONNECTIONS, t.httpChunked(port, "/ocsp")),
              perRequest.workload("ocsp-conn-per-request", CONNECTIONS, t.http(port, "/ocsp", "Connection: close"))));
          if (openssl.isPresent()) {
            t.check(opensslLoad, t.http(openssl.get().port, "/"), 32, "openssl ocsp");
            w.add(opensslLoad.workload("openssl-ocsp", CONNECTIONS, t.http(openssl.get().port, "/")));
          }
          Duration warm = plan.jitWarmup().dividedBy(20);
          if (!warm.isZero()) {
            // The JIT has not seen Jetty's accept and close paths, nor Jersey's OCSP path, until now.
            Bench.log("ocsp: %d ms untimed on each of padlock's paths, for the JIT", warm.toMillis());
            for (int i = 0; i < 3; i++) {
              w.get(i).window(warm);
            }
          }
          Bench.log("ocsp: padlock (handler, Jersey, a connection per request)%s, %d connections, store of %,d",
              openssl.isPresent() ? ", openssl ocsp" : "", CONNECTIONS, size);
          double[][] rates = Harness.interleave(window, warmups, runs, w.toArray(Harness.Workload[]::new));
          report(report, rates, openssl.isPresent(), noOpenssl, size);
        } finally {
          if (opensslLoad != null) {
            opensslLoad.close();
          }
          if (openssl.isPresent()) {
            openssl.get().close();
          }
        }
      }
    }
  }

  private static void report(Report report, double[][] rates, boolean openssl, String noOpenssl, int size) {
    report.measured("ocsp_per_s", Stats.of(rates[0]), "ops/s", "padlock serve POST /ocsp, keep-alive, a nonce each,"
        + " store of " + Bench.label(size) + " (1 in " + REVOKED_EVERY + " revoked); load " + EstBench.load());
    report.ratio("ocsp_per_s_vs_5000", Stats.of(Arrays.stream(rates[0]).map(x -> x / 5000).toArray()),
        Report.Target.atLeast(1.0), "issue 6: >= 5,000 responses/s with nonces on 2 cores");
    report.measured("ocsp_jersey_per_s", Stats.of(rates[1]), "ops/s",
        "the same through Jersey (a chunked POST is not taken by OcspHandler): the path before it");
    report.ratio("ocsp_handler_vs_jersey", Stats.of(perRound(rates[0], rates[1])), null,
        "what answering OCSP POST on Jetty ahead of Jersey is worth, per round");
    report.measured("ocsp_conn_per_request_per_s", Stats.of(rates[2]), "ops/s",
        "padlock with a new connection per request (Connection: close), as openssl ocsp serves");
    if (openssl) {
      report.measured("openssl_ocsp_per_s", Stats.of(rates[3]), "ops/s",
          "openssl ocsp -index -multi 2, same data, key and requests; HTTP/1.0, a connection per request");
      report.ratio("ocsp_vs_openssl", Stats.of(perRound(rates[2], rates[3])), Report.Target.atLeast(1.0),
          "like for like: padlock a connection per request / openssl, per round");
      report.ratio("ocsp_keepalive_vs_openssl", Stats.of(perRound(rates[0], rates[3])), null,
          "context: padlock with keep-alive (which openssl ocsp does not offer) / openssl");
    } else {
      report.skipped("ocsp_vs_openssl", noOpenssl);
    }
  }

  private static double[] perRound(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  /** What {@link HttpLoad} pushes against a trivial endpoint, keep-alive and a connection per request. */
  private static void ceiling(Duration window, int warmups, int runs, Report report) throws Exception {
    try (TrivialServer trivial = TrivialServer.start(null); HttpLoad load = new HttpLoad(trivial.port(), null);
        HttpLoad close = new HttpLoad(trivial.port(), null)) {
      byte[] req = HttpLoad.request("POST", "/", trivial.port(), List.of("Content-Type: application/ocsp-request"),
          new byte[110]);
      byte[] reqClose = HttpLoad.request("POST", "/", trivial.port(), List.of("Connection: close"), new byte[110]);
      double[][] r = Harness.interleave(window, warmups, runs, load.workload("trivial-http", CONNECTIONS, n -> req),
          close.workload("trivial-http-close", CONNECTIONS, n -> reqClose));
      report.measured("loadgen_http_ceiling_per_s", Stats.of(r[0]), "ops/s",
          "the OCSP client against a trivial HTTP endpoint, keep-alive, " + CONNECTIONS + " connections");
      report.measured("loadgen_http_close_ceiling_per_s", Stats.of(r[1]), "ops/s",
          "the same, a connection per request");
    }
  }
}
