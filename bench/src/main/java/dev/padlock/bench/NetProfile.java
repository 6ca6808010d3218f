package dev.padlock.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * EST or OCSP against {@code padlock serve} alone, for a profiler ({@code bench/run --profile est|est-2t|ocsp}
 * starts {@link Profile}, which hands these scenarios here): 10 s of warm-up, then windows of 5 s, each
 * logged. The client threads are named {@code bench-*}; the server's are Jetty's ({@code padlock-http*}).
 */
final class NetProfile {
  private NetProfile() {}

  static void run(String scenario, Path work, Duration length) throws Exception {
    Files.createDirectories(work);
    switch (scenario) {
      case "est", "est-2t" -> est(work, scenario.equals("est") ? 1 : 2, length);
      case "ocsp" -> ocsp(work, length, false);
      case "ocsp-close" -> ocsp(work, length, true);
      default -> throw new IllegalArgumentException("scenario: est, est-2t, ocsp or ocsp-close");
    }
  }

  private static void est(Path work, int threads, Duration length) throws Exception {
    try (EstBench.Target est = new EstBench.Target(work, Csrs.generate(512))) {
      est.check();
      est.window(threads, Duration.ofSeconds(10));
      Bench.log("profiling est on %d connection(s) for %s", threads, length);
      for (long s = 0; s < length.getSeconds(); s += 5) {
        long cpu0 = serverCpuNanos();
        double rate = est.window(threads, Duration.ofSeconds(5));
        Bench.log("%.0f enrolled/s, server CPU %.0f us each", rate, (serverCpuNanos() - cpu0) / 1e3 / (rate * 5));
      }
    }
  }

  /** @param close a connection per request ({@code Connection: close}), as openssl ocsp serves */
  private static void ocsp(Path work, Duration length, boolean close) throws Exception {
    try (OcspBench.Target t = new OcspBench.Target(work, 100_000);
        HttpLoad load = new HttpLoad(t.server.httpPort(), null)) {
      Harness.Workload w = load.workload("ocsp", OcspBench.CONNECTIONS, close
          ? t.http(t.server.httpPort(), "/ocsp", "Connection: close") : t.http(t.server.httpPort(), "/ocsp"));
      t.check(load, t.http(t.server.httpPort(), "/ocsp"), 16, "padlock");
      w.window(Duration.ofSeconds(20));
      Bench.log("profiling ocsp on %d connections%s for %s", OcspBench.CONNECTIONS,
          close ? ", a new one per request" : "", length);
      for (long s = 0; s < length.getSeconds(); s += 5) {
        long cpu0 = serverCpuNanos();
        double rate = w.window(Duration.ofSeconds(5));
        Bench.log("%.0f responses/s, server CPU %.0f us each", rate, (serverCpuNanos() - cpu0) / 1e3 / (rate * 5));
      }
    }
  }

  /**
   * CPU time of the server's threads so far (Jetty's pools, named {@code padlock-http*}; store work runs on
   * them too): CPU per request is far less sensitive than throughput to what else the machine runs.
   */
  static long serverCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo ti : mx.dumpAllThreads(false, false)) {
      if (ti.getThreadName().startsWith("padlock-http")) {
        long c = mx.getThreadCpuTime(ti.getThreadId());
        if (c > 0) {
          sum += c;
        }
      }
    }
    return sum;
  }

  public static void main(String[] args) throws Exception {
    run(args[0], Path.of(args[1]), Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 20));
  }
}
