package dev.padlock.bench;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.sign.BouncyCastle;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Runs the benchmarks of a {@link Plan}, prints one table and writes {@code results.json}.
 *
 * <pre>
 * java -cp ... dev.padlock.bench.Bench [--plan tiny|quick|full] [--out FILE] [--work DIR] [--keep]
 *     [--only issue,revoke,lookup,mtls,tunnel]
 * </pre>
 */
public final class Bench {
  /** The sections, in the order they run. */
  public static final List<String> SECTIONS = List.of("issue", "est", "ocsp", "revoke", "lookup", "mtls", "tunnel");
  private static final long START = System.nanoTime();

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Plan plan = Plan.quick();
    Path out = Path.of("bench", "results.json");
    Path work = null;
    boolean keep = false;
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--plan" -> plan = Plan.named(args[++i]);
        case "--quick" -> plan = Plan.quick();
        case "--full" -> plan = Plan.full();
        case "--out" -> out = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--keep" -> keep = true;
        case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!SECTIONS.containsAll(only)) {
      throw new IllegalArgumentException("--only takes some of " + SECTIONS + ", got " + only);
    }
    Path dir = (work != null ? Files.createDirectories(work) : Files.createTempDirectory("padlock-bench-"))
        .toAbsolutePath();
    try {
      Report report = run(plan, dir, only);
      report.print(System.out);
      report.writeJson(out);
      System.out.println("wrote " + out);
    } finally {
      if (!keep) {
        delete(dir);
      }
    }
  }

  /** Runs the {@code only} sections of {@code plan} in {@code work} (which it fills with CAs and stores). */
  public static Report run(Plan plan, Path work, Set<String> only) throws Exception {
    work = work.toAbsolutePath();
    Report report = new Report();
    report.meta("plan", plan.name());
    report.meta("started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    report.meta("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    report.meta("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
        .collect(Collectors.joining(", ")));
    report.meta("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    report.meta("cores", Runtime.getRuntime().availableProcessors());
    report.meta("load_before", loadAverage());
    log("plan %s in %s", plan.name(), work);

    Csrs csrs = Csrs.generate(plan.csrPool());
    if (only.contains("issue")) {
      HeadToHead.Result issued = HeadToHead.run(plan, report, work, csrs);
      if (plan.peers()) {
        log("openssl ca, openssl speed");
        try {
          Openssl.run(plan, report, work, csrs, issued.issue1());
        } catch (Exception e) {
          report.skipped("openssl_ca_per_s", "openssl failed: " + firstLine(e));
        }
      }
    }
    if (only.contains("est")) {
      EstBench.run(plan, report, work, csrs, only.contains("issue"));
    }
    if (only.contains("ocsp")) {
      OcspBench.run(plan, report, work);
    }
    byte[] leaf = null;
    if (only.contains("revoke") || only.contains("lookup")) {
      leaf = sampleLeaf();
    }
    if (only.contains("revoke")) {
      log("revoke: CRL sizes %s", plan.revokeSizes());
      RevokeBench.run(plan, report, work, leaf);
    }
    if (only.contains("lookup")) {
      log("lookup: store sizes %s", plan.lookupSizes());
      LookupBench.run(plan, report, work, leaf);
    }
    if (only.contains("mtls")) {
      MtlsBench.run(plan, report, work);
    }
    if (only.contains("tunnel")) {
      log("tunnel: direct TLS, padlock tunnel, stunnel");
      TunnelBench.run(plan, report, work);
    }
    notYet(plan, report);
    report.meta("load_after", loadAverage());
    report.meta("duration_s", Math.round((System.nanoTime() - START) / 1e9));
    return report;
  }

  /** The figures issue 6 asks for that cannot be measured yet, or not in this plan. */
  private static void notYet(Plan plan, Report report) {
    report.section("not measured in this run");
    if (!plan.revokeSizes().contains(1_000_000)) {
      report.skipped("revoke_ms_at_1m", "full run only (bench/run); this plan stops at "
          + label(plan.largestRevokeSize()));
    }
    if (!plan.lookupSizes().contains(10_000_000)) {
      report.skipped("lookup_p99_ms_10m", "full run only (bench/run)");
    }
  }

  /** A real leaf's DER (EC P-256, SAN, AKI/SKI, CRL DP, AIA): what each bulk-loaded row stores. */
  static byte[] sampleLeaf() throws Exception {
    KeyPair caKeys = LimitBench.p256(BouncyCastle.provider());
    KeyPair leafKeys = LimitBench.p256(BouncyCastle.provider());
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
        .build(caKeys.getPrivate());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    SecureRandom random = new SecureRandom();
    X509CertificateHolder ca = CertificateTemplate.ca(null, SerialNumber.random(random),
        new X500Name("O=Bench,CN=Bench Issuing CA"), SubjectPublicKeyInfo.getInstance(caKeys.getPublic().getEncoded()),
        now, now.plusSeconds(86_400), 0, true).sign(signer);
    return CertificateTemplate.leaf(ca, SerialNumber.random(random), new X500Name("CN=svc-1234567.bench.test"),
        SubjectPublicKeyInfo.getInstance(leafKeys.getPublic().getEncoded()), false, now, now.plusSeconds(86_400),
        KeyPurposeId.id_kp_serverAuth, List.of(SubjectAltName.parse("dns:svc-1234567.bench.test")),
        Optional.of(BenchCa.BASE_URL)).sign(signer).getEncoded();
  }

  /** 0, 500, 10k, 1m, 10m. */
  static String label(long n) {
    if (n >= 1_000_000 && n % 1_000_000 == 0) {
      return (n / 1_000_000) + "m";
    }
    if (n >= 1_000 && n % 1_000 == 0) {
      return (n / 1_000) + "k";
    }
    return Long.toString(n);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  static void log(String format, Object... args) {
    PrintStream err = System.err;
    err.printf(Locale.ROOT, "[%5.0fs] %s%n", (System.nanoTime() - START) / 1e9, String.format(Locale.ROOT, format, args));
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void delete(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
