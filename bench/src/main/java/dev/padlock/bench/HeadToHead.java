package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.sign.BouncyCastle;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The figures that are compared with each other, measured round by round in one JVM: each round runs one
 * window of raw signing, raw verification, padlock's issuance and cfssl's, in turn, so a ratio's two
 * sides see the same load on a shared machine. Ratios are taken per round; the table shows their spread.
 */
final class HeadToHead {
  /** padlock's issuance on one and on two threads (medians). */
  record Result(double issue1, double issue2) {}

  /** Callers in the fleet round: more than the machine's cores. */
  static final int FLEET = 8;

  private HeadToHead() {}

  static Result run(Plan plan, Report report, Path work, Csrs csrs) throws Exception {
    Optional<Cfssl> cfssl = Optional.empty();
    String noCfssl = plan.peers() ? Cfssl.missing() : "peers are not run by plan " + plan.name();
    if (plan.peers()) {
      try {
        cfssl = Cfssl.start(work, csrs);
      } catch (Exception e) {
        noCfssl = "cfssl serve failed to start: " + Bench.firstLine(e);
      }
    }
    try (CertificateAuthority ca = IssueBench.open(plan, report, work)) {
      if (!plan.jitWarmup().isZero()) {
        Bench.log("issue: %d s untimed, for the JIT", plan.jitWarmup().getSeconds());
        IssueBench.workload(ca, csrs, 1).window(plan.jitWarmup());
      }
      Stats one = round(plan, report, 1, ca, csrs, cfssl, noCfssl);
      Stats two = round(plan, report, 2, ca, csrs, cfssl, noCfssl);
      if (plan.name().equals("full")) {
        // A fleet enrolling at once: more callers than cores, where group commit shares one commit among
        // the certificates that queue behind it (the quick plan skips it to stay within CI's budget).
        round(plan, report, FLEET, ca, csrs, cfssl, noCfssl);
      }
      context(plan, report);
      IssueBench.breakdown(plan, report, ca, csrs, one);
      return new Result(one.median(), two.median());
    } finally {
      if (cfssl.isPresent()) {
        cfssl.get().close();
      }
    }
  }

  private static Stats round(Plan plan, Report report, int threads, CertificateAuthority ca, Csrs csrs,
      Optional<Cfssl> cfssl, String noCfssl) throws Exception {
    String t = threads == 1 ? "" : "_" + threads + "t";
    String on = threads == 1 ? "1 thread" : threads + " threads";
    Bench.log("limit, issue%s: %s, interleaved", cfssl.isPresent() ? ", cfssl" : "", on);
    report.section("limit vs padlock" + (cfssl.isPresent() ? " vs cfssl" : "") + ", interleaved round by round, "
        + on);
    Provider bc = BouncyCastle.provider();
    Harness.Workload issuing = IssueBench.workload(ca, csrs, threads).meterCpu();
    List<Harness.Workload> w = new ArrayList<>(List.of(LimitBench.sign(bc, threads), LimitBench.verify(bc, threads),
        issuing));
    cfssl.ifPresent(c -> w.add(c.workload(threads)));
    double[][] rates = Harness.interleave(plan.window(), plan.warmups(), plan.runs(), w.toArray(Harness.Workload[]::new));
    LimitBench.Rounds rounds = LimitBench.Rounds.of(rates, cfssl.isPresent());
    double[] limit = rounds.limit();
    double[] vsLimit = rounds.vsLimit();
    double[] vsCfssl = rounds.vsPeer();
    report.measured("limit_sign_per_s" + t, Stats.of(rates[0]), "ops/s", "BC JCA, SHA256withECDSA, CA key");
    report.measured("limit_verify_per_s" + t, Stats.of(rates[1]), "ops/s", "BC JCA, a fresh key each time (decode SPKI)");
    report.measured("limit_issue_per_s" + t, Stats.of(limit), "ops/s", "1/(1/sign + 1/verify), per round");
    Stats issue = report.measured("issue_per_s" + t, Stats.of(rates[2]), "ops/s",
        "CertificateAuthority.issue from CSRs, persisted in H2 with audit");
    report.ratio("issue_vs_limit" + t, Stats.of(vsLimit), Report.Target.atLeast(0.90), "issue / limit, per round");
    List<Double> busy = issuing.cpuBusy();
    if (busy.size() >= plan.runs()) {
      double[] timed = busy.subList(busy.size() - plan.runs(), busy.size()).stream()
          .mapToDouble(Double::doubleValue).toArray();
      report.measured("issue_cpu_busy" + t, Stats.of(timed), "x", "share of the "
          + Runtime.getRuntime().availableProcessors()
          + " cores busy during padlock's windows (/proc/stat, whole machine; waiting for I/O counts as idle)");
    } else {
      report.skipped("issue_cpu_busy" + t, "cannot read /proc/stat");
    }
    if (cfssl.isPresent()) {
      report.measured("cfssl_per_s" + t, Stats.of(rates[3]), "ops/s",
          "cfssl serve, HTTP/1.1 keep-alive, " + threads + " client" + (threads == 1 ? "" : "s") + ", no store");
      report.ratio("issue_vs_cfssl" + t, Stats.of(vsCfssl), null,
          "in-process + persisted vs HTTP + not persisted: context until est_vs_cfssl");
    } else if (threads == 1) {
      report.skipped("cfssl_per_s", noCfssl);
    }
    return issue;
  }

  /** Figures that explain the limit but are not part of it. */
  private static void context(Plan plan, Report report) throws Exception {
    report.section("context for the limit (1 thread)");
    Provider bc = BouncyCastle.provider();
    report.measured("limit_verify_cached_key_per_s", Stats.of(Harness.interleave(plan.window(), plan.warmups(),
        plan.breakdownRuns(), LimitBench.verifyCachedKey(bc, 1))[0]), "ops/s",
        "one key object reused: BC caches its precomputation (no CA gets this)");
    if (plan.name().equals("full")) {
      Provider sun = java.security.Security.getProvider("SunEC");
      double[][] r = Harness.interleave(plan.window(), plan.warmups(), plan.breakdownRuns(), LimitBench.sign(sun, 1),
          LimitBench.verify(sun, 1));
      report.measured("jdk_sunec_sign_per_s", Stats.of(r[0]), "ops/s", "the JDK's provider");
      report.measured("jdk_sunec_verify_per_s", Stats.of(r[1]), "ops/s", "the JDK's provider, a fresh key each time");
    }
  }
}
