package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.authorize.TokenRequest;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.sign.BouncyCastle;
import dev.padlock.server.PadlockServer;
import dev.padlock.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * EST {@code simpleenroll} (RFC 7030) against {@code padlock serve}: HTTPS with keep-alive, one connection
 * per client thread, each request a CSR of the run's pool with its own one-time token (created through
 * {@code CertificateAuthority.createToken} before each window, outside it), every certificate persisted
 * with its audit entry before the answer. Round by round with the limit (raw signing and fresh-key
 * verification) and with {@code cfssl serve} signing the same CSRs over plain HTTP, both driven by the
 * same client ({@link HttpLoad}).
 */
final class EstBench {
  static final String ENROLL = "/.well-known/est/simpleenroll";
  /** Threads creating tokens between windows. */
  private static final int MAKERS = 4;

  private EstBench() {}

  /** The server under test, with its enrollment requests made ahead of time. */
  static final class Target implements AutoCloseable {
    final PadlockServer server;
    final CertificateAuthority ca;
    final HttpLoad load;
    private final Csrs csrs;
    private final ConcurrentLinkedQueue<byte[]> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger made = new AtomicInteger();
    private long fillNanos;
    /**
     * Enrollments per second expected on 1 and 2 connections, to size each window's tokens; low at first
     * (a window that runs out of tokens ends early and is measured over the time it ran), then measured.
     */
    private final double[] estimate = {0, 500, 700, 700, 700, 700, 700, 700, 900};
    private final ExecutorService makers = Executors.newFixedThreadPool(MAKERS, r -> {
      Thread t = new Thread(r, "est-tokens");
      t.setDaemon(true);
      return t;
    });

    Target(Path work, Csrs csrs) throws Exception {
      Path dir = work.resolve("est-ca");
      BenchCa.init(dir);
      this.server = PadlockServer.start(ServerConfig.builder(dir)
          .passphrase(PassphraseSource.of(BenchCa.PASSPHRASE.toCharArray())).bindAddress("127.0.0.1").httpsPort(0)
          .httpPort(0).build());
      this.ca = server.authority();
      this.csrs = csrs;
      X509CertificateHolder root = ca.rootCertificate();
      SSLContext tls = TrivialServer.clientTrusting(CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(root.getEncoded())));
      this.load = new HttpLoad(server.httpsPort(), tls);
    }

    /**
     * Tops the queue up to {@code count} enrollment requests: one token each (created on two threads, in
     * the store with its audit entry, as {@code padlock token create} does), for the next CSR of the pool.
     */
    void fill(int count) throws Exception {
      int missing = count - ready.size();
      if (missing <= 0) {
        return;
      }
      List<Future<?>> jobs = new ArrayList<>();
      for (int part = 0; part < MAKERS; part++) {
        int n = missing / MAKERS + (part < missing % MAKERS ? 1 : 0);
        jobs.add(makers.submit(() -> {
          for (int k = 0; k < n; k++) {
            ready.add(request(made.getAndIncrement()));
          }
          return null;
        }));
      }
      long t0 = System.nanoTime();
      for (Future<?> f : jobs) {
        f.get();
      }
      fillNanos += System.nanoTime() - t0;
    }

    /** Tokens made so far, and the seconds spent making them (between windows, not timed in them). */
    String tokensMade() {
      return String.format(Locale.ROOT, "%,d tokens made in %.1f s", made.get(), fillNanos / 1e9);
    }

    private byte[] request(int i) throws Exception {
      PKCS10CertificationRequest csr = csrs.get(i);
      String cn = "svc-" + Math.floorMod(i, csrs.size()) + ".bench.test";
      String token = ca.createToken(new TokenRequest("server", cn, List.of(SubjectAltName.parse("dns:" + cn)),
          Duration.ofHours(6)), "bench").value();
      return HttpLoad.request("POST", ENROLL, server.httpsPort(), List.of("Content-Type: application/pkcs10",
          "Content-Transfer-Encoding: base64", "Authorization: Basic "
              + Base64.getEncoder().encodeToString(("bench:" + token).getBytes(StandardCharsets.UTF_8))),
          Base64.getMimeEncoder().encode(csr.getEncoded()));
    }

    /**
     * One EST window on {@code threads} connections: the requests are made first (outside the window), 30%
     * more than the estimate; if they run out, the window ends there and the estimate rises.
     */
    double window(int threads, Duration window) throws Exception {
      fill((int) (1.3 * estimate[threads] * window.toMillis() / 1000) + 50);
      double rate = load.window("est", threads, window, ready::poll);
      estimate[threads] = ready.isEmpty() ? Math.max(rate, estimate[threads]) * 1.5 : rate;
      return rate;
    }

    /**
     * One enrollment outside the timed windows, checked as a client would: the certificate is signed by
     * the issuing CA, carries the CSR's key, and is in the store.
     */
    void check() throws Exception {
      fill(1);
      HttpLoad.Response r = load.once(ready.poll());
      if (r.status() != 200) {
        throw new IllegalStateException("EST simpleenroll answered " + r.status() + ": "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      CMSSignedData cms = new CMSSignedData(Base64.getMimeDecoder().decode(r.body()));
      X509CertificateHolder cert = (X509CertificateHolder) cms.getCertificates().getMatches(null).iterator().next();
      if (!cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.provider())
          .build(ca.issuingCertificate()))) {
        throw new IllegalStateException("the enrolled certificate is not signed by the issuing CA");
      }
      if (ca.store().find(new SerialNumber(cert.getSerialNumber())).isEmpty()) {
        throw new IllegalStateException("the enrolled certificate is not in the store");
      }
      new JcaX509CertificateConverter().getCertificate(cert); // the JDK parses it
    }

    @Override
    public void close() {
      makers.shutdownNow();
      load.close();
      server.close();
    }
  }

  /**
   * @param issuanceWarm whether issuance already ran in this JVM (the issue section): its JIT warm-up then
   *     mostly carries over, and EST's own is shorter
   */
  static void run(Plan plan, Report report, Path work, Csrs csrs, boolean issuanceWarm) throws Exception {
    Path dir = Files.createDirectories(work.resolve("est"));
    Optional<Cfssl> cfssl = Optional.empty();
    String noCfssl = plan.peers() ? Cfssl.missing() : "peers are not run by plan " + plan.name();
    if (plan.peers()) {
      try {
        cfssl = Cfssl.start(dir, csrs);
      } catch (Exception e) {
        noCfssl = "cfssl serve failed to start: " + Bench.firstLine(e);
      }
    }
    try (Target est = new Target(work, csrs)) {
      est.check();
      report.section("EST simpleenroll over HTTPS vs the limit vs cfssl serve, interleaved round by round");
      ceiling(plan, report);
      Duration warm = plan.jitWarmup().dividedBy(issuanceWarm ? 6 : 2);
      if (!warm.isZero()) {
        Bench.log("est: %d s untimed, for the JIT", warm.getSeconds());
        est.window(2, warm);
      }
      round(plan, report, 1, est, csrs, cfssl, noCfssl);
      round(plan, report, 2, est, csrs, cfssl, noCfssl);
      if (plan.name().equals("full")) {
        round(plan, report, HeadToHead.FLEET, est, csrs, cfssl, noCfssl); // a fleet enrolling at once
      }
      Bench.log("est: %s (between windows)", est.tokensMade());
    } finally {
      if (cfssl.isPresent()) {
        cfssl.get().close();
      }
    }
  }

  /** What {@link HttpLoad} pushes over HTTPS with keep-alive against a trivial endpoint, on 2 connections. */
  private static void ceiling(Plan plan, Report report) throws Exception {
    TrivialServer.Tls tls = TrivialServer.Tls.selfSigned();
    try (TrivialServer trivial = TrivialServer.start(tls.server());
        HttpLoad load = new HttpLoad(trivial.port(), tls.client())) {
      byte[] req = HttpLoad.request("POST", "/", trivial.port(), List.of("Content-Type: application/pkcs10"),
          new byte[600]);
      Stats s = Stats.of(Harness.interleave(plan.window().dividedBy(2), 1, 1,
          load.workload("trivial-https", 2, n -> req))[0]);
      report.measured("loadgen_https_ceiling_per_s", s, "ops/s",
          "the EST client against a trivial HTTPS endpoint (600-byte bodies), 2 connections: not the bottleneck");
    }
  }

  private static void round(Plan plan, Report report, int threads, Target est, Csrs csrs, Optional<Cfssl> cfssl,
      String noCfssl) throws Exception {
    String t = threads == 1 ? "" : "_" + threads + "t";
    String on = threads == 1 ? "1 client" : threads + " clients";
    Bench.log("est: limit, est%s, %s, interleaved", cfssl.isPresent() ? ", cfssl" : "", on);
    Provider bc = BouncyCastle.provider();
    Harness.Workload sign = LimitBench.sign(bc, threads);
    Harness.Workload verify = LimitBench.verify(bc, threads);
    // The limit's two halves are steady CPU work: half a window each is plenty.
    Duration half = plan.window().dividedBy(2);
    List<Window> w = new ArrayList<>(List.of(d -> sign.window(half), d -> verify.window(half),
        d -> est.window(threads, d)));
    HttpLoad cfsslLoad = cfssl.map(c -> new HttpLoad(c.uri().getPort(), null)).orElse(null);
    if (cfssl.isPresent()) {
      w.add(cfsslLoad.workload("cfssl", threads, cfsslRequests(cfssl.get(), csrs))::window);
    }
    // Each EST request needs a one-time token, made between windows (a durable store write each): the quick
    // plan keeps its rounds few to stay within CI's budget.
    int runs = plan.name().equals("full") ? plan.breakdownRuns() : Math.min(plan.breakdownRuns(), 2);
    double[][] rates;
    try {
      // After EST's own warm-up (and the 1-client rounds, for 2), every side is warm: no untimed round.
      int warmups = plan.jitWarmup().isZero() ? 1 : 0;
      rates = interleave(plan.window(), warmups, runs, w);
    } finally {
      if (cfsslLoad != null) {
        cfsslLoad.close();
      }
    }
    LimitBench.Rounds rounds = LimitBench.Rounds.of(rates, cfssl.isPresent());
    double[] limit = rounds.limit();
    double[] vsLimit = rounds.vsLimit();
    double[] vsCfssl = rounds.vsPeer();
    report.measured("est_limit_per_s" + t, Stats.of(limit), "ops/s",
        "1/(1/sign + 1/verify) in these rounds, " + (threads == 1 ? "1 thread" : threads + " threads"));
    report.measured("est_per_s" + t, Stats.of(rates[2]), "ops/s", "EST simpleenroll, HTTPS keep-alive, " + on
        + ", token each, persisted + audited; load " + load());
    report.ratio("est_vs_limit" + t, Stats.of(vsLimit), null, "est / limit, per round");
    if (cfssl.isPresent()) {
      report.measured("est_cfssl_per_s" + t, Stats.of(rates[3]), "ops/s",
          "cfssl serve, same CSRs, plain HTTP keep-alive, " + on + ", same client, no store");
      report.ratio("est_vs_cfssl" + t, Stats.of(vsCfssl), Report.Target.atLeast(1.0), "est / cfssl, per round");
    } else {
      report.skipped("est_vs_cfssl" + t, noCfssl);
    }
  }

  /** One timed window of some work; returns operations per second. */
  @FunctionalInterface
  interface Window {
    double run(Duration window) throws Exception;
  }

  /** Round by round as {@link Harness#interleave}: one window of each in turn. Returns rates[work][run]. */
  private static double[][] interleave(Duration window, int warmups, int runs, List<Window> w) throws Exception {
    double[][] rates = new double[w.size()][runs];
    for (int r = -warmups; r < runs; r++) {
      for (int i = 0; i < w.size(); i++) {
        double rate = w.get(i).run(window);
        if (r >= 0) {
          rates[i][r] = rate;
        }
      }
    }
    return rates;
  }

  private static IntFunction<byte[]> cfsslRequests(Cfssl cfssl, Csrs csrs) {
    int port = cfssl.uri().getPort();
    String path = cfssl.uri().getPath();
    byte[][] bodies = new byte[csrs.size()][];
    for (int i = 0; i < csrs.size(); i++) {
      bodies[i] = HttpLoad.request("POST", path, port, List.of("Content-Type: application/json"),
          ("{\"certificate_request\":\"" + csrs.pem(i).replace("\r", "").replace("\n", "\\n") + "\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    AtomicInteger next = new AtomicInteger();
    return n -> bodies[Math.floorMod(next.getAndIncrement(), bodies.length)];
  }

  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
