package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.revoke.RevocationReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One scenario alone, for a profiler (bench/run --profile starts this under JFR, then {@link JfrTop}):
 * {@code issue} (1 thread), {@code issue-2t}, {@code issue-8t} (a fleet: more callers than cores; {@code
 * issue-Nt}: N callers), or
 * {@code revoke} (revocations with 100k already revoked);
 * {@code est}, {@code est-2t} and {@code ocsp} against {@code padlock serve} ({@link NetProfile}); {@code
 * tunnel}, {@code tunnel-direct}, {@code tunnel-direct-buffered} and {@code tunnel-jdk}, one path of the
 * tunnel section each ({@link TunnelProfile}). Work runs
 * on threads named {@code bench-*} (the server's on {@code padlock-*}), so the summary can leave out
 * everything else.
 */
public final class Profile {
  private Profile() {}

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    Path work = Files.createDirectories(Path.of(args[1]));
    Duration length = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 20);
    Plan plan = Plan.quick();
    switch (scenario) {
      case "issue" -> issue(plan, work, 1, length);
      case "revoke" -> revoke(work, 100_000, 8);
      case "est", "est-2t", "ocsp", "ocsp-close" -> NetProfile.run(scenario, work, length);
      case "tunnel", "tunnel-direct", "tunnel-direct-buffered", "tunnel-jdk" -> TunnelProfile.run(scenario, work, length);
      default -> {
        if (!scenario.matches("issue-[1-9][0-9]{0,2}t")) {
          throw new IllegalArgumentException(
              "scenario: issue, issue-2t, issue-8t (or issue-Nt, N callers), revoke, est, est-2t, ocsp, ocsp-close, "
                  + "tunnel, tunnel-direct, tunnel-direct-buffered or tunnel-jdk");
        }
        issue(plan, work, Integer.parseInt(scenario.substring(6, scenario.length() - 1)), length);
      }
    }
  }

  private static void issue(Plan plan, Path work, int threads, Duration length) throws Exception {
    Csrs csrs = Csrs.generate(plan.csrPool());
    try (CertificateAuthority ca = IssueBench.open(plan, new Report(), work)) {
      Harness.Workload w = IssueBench.workload(ca, csrs, threads).meterCpu();
      w.window(Duration.ofSeconds(20)); // warm-up: the JIT takes 10-15 s over issuance
      Bench.log("profiling issue on %d thread(s) for %s", threads, length);
      for (long s = 0; s < length.getSeconds(); s += 5) {
        double rate = w.window(Duration.ofSeconds(5));
        List<Double> busy = w.cpuBusy();
        Bench.log("%.0f issued/s, cores %s busy", rate,
            busy.isEmpty() ? "?" : String.format("%.0f%%", 100 * busy.get(busy.size() - 1)));
      }
    }
  }

  private static void revoke(Path work, int size, int times) throws Exception {
    Path dir = work.resolve("revoke-ca");
    BenchCa.init(dir);
    byte[] leaf = Bench.sampleLeaf();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    StoreFiller revoked = new StoreFiller(1, leaf, now, size);
    StoreFiller targets = new StoreFiller(2, leaf, now, times * 2);
    try (Connection jdbc = BenchCa.bulkLoad(dir)) {
      long t0 = System.nanoTime();
      revoked.fill(jdbc, 0, size, StoreFiller.Kind.revoked());
      Bench.log("filled %,d rows in %.1f s", size, (System.nanoTime() - t0) / 1e9);
      targets.fill(jdbc, 0, times * 2, new StoreFiller.Kind(false, Integer.MAX_VALUE));
    }
    try (CertificateAuthority ca = BenchCa.open(dir)) {
      ca.unlock();
      ca.publishCrl();
      Bench.log("profiling %d revocations with %,d already revoked", times, size);
      Harness.Workload w = new Harness.Workload("revoke", 1, t -> {
        int[] next = {0};
        return () -> ca.revoke(targets.serial(next[0]++).hex(), RevocationReason.KEY_COMPROMISE, "bench");
      });
      for (int i = 0; i < times; i++) {
        w.window(Duration.ofMillis(1)); // one revocation per window
      }
    }
  }
}
