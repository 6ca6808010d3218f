package dev.padlock.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * openssl as a reference: {@code openssl ca} issuing a batch of the same CSRs in one process (it verifies
 * each CSR, signs, appends to index.txt and writes each certificate to a file: a CA with a text-file
 * store), and {@code openssl speed ecdsap256}, the C library's raw P-256 figures.
 */
final class Openssl {
  private Openssl() {}

  static void run(Plan plan, Report report, Path work, Csrs csrs, double padlockPerSecond) throws Exception {
    report.section("openssl on the same machine: a reference");
    Path openssl = Processes.which("openssl").orElse(null);
    if (openssl == null) {
      report.skipped("openssl_ca_per_s", "openssl not installed");
      return;
    }
    Path dir = work.resolve("openssl-ca");
    Files.createDirectories(dir.resolve("certs"));
    PeerCa ca = PeerCa.create(dir);
    Path config = dir.resolve("openssl.cnf");
    Files.writeString(config, config(dir, ca));
    List<Path> files = csrs.writeFiles(dir.resolve("csr"), plan.opensslBatch());
    List<String> cmd = new ArrayList<>(List.of(openssl.toString(), "ca", "-batch", "-config", config.toString(),
        "-notext", "-out", dir.resolve("out.pem").toString(), "-infiles"));
    files.forEach(f -> cmd.add(f.toString()));
    Stats seconds = Harness.millisEach(1, plan.breakdownRuns(), () -> {
      Files.writeString(dir.resolve("index.txt"), "");
      return Processes.run(dir, cmd, 600);
    }).times(1e-3);
    Stats rate = seconds.reciprocal().times(plan.opensslBatch());
    report.measured("openssl_ca_per_s", rate, "ops/s", "openssl ca -infiles, " + plan.opensslBatch()
        + " CSRs per process: verify, sign, index.txt, a file each");
    report.ratio("issue_vs_openssl_ca", padlockPerSecond / rate.median(), null,
        "issue_per_s / openssl_ca_per_s (not interleaved)");

    Pattern line = Pattern.compile("nistp256\\)\\s+\\S+s\\s+\\S+s\\s+([0-9.]+)\\s+([0-9.]+)");
    double[] sign = new double[plan.breakdownRuns()];
    double[] verify = new double[plan.breakdownRuns()];
    for (int r = 0; r < plan.breakdownRuns(); r++) {
      String out = Processes.run(dir, List.of(openssl.toString(), "speed", "-seconds", "1", "ecdsap256"), 120);
      Matcher m = line.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("cannot read openssl speed's output:\n" + out);
      }
      sign[r] = Double.parseDouble(m.group(1));
      verify[r] = Double.parseDouble(m.group(2));
    }
    Stats s = report.measured("openssl_speed_sign_per_s", Stats.of(sign), "ops/s", "openssl speed ecdsap256, 1 core");
    Stats v = report.measured("openssl_speed_verify_per_s", Stats.of(verify), "ops/s", "same key each time");
    report.figure("limit_sign_per_s").ifPresent(f -> report.ratio("bc_sign_vs_openssl", f.value() / s.median(), null,
        "Bouncy Castle's raw signing against C's (not interleaved)"));
    report.figure("limit_verify_cached_key_per_s").ifPresent(f -> report.ratio("bc_verify_vs_openssl",
        f.value() / v.median(), null, "same key each time on both sides"));
  }

  private static String config(Path dir, PeerCa ca) {
    return """
        [ ca ]
        default_ca = bench
        [ bench ]
        database = %s/index.txt
        new_certs_dir = %s/certs
        certificate = %s
        private_key = %s
        rand_serial = yes
        default_md = sha256
        default_days = 30
        policy = policy_any
        unique_subject = no
        copy_extensions = copy
        email_in_dn = no
        x509_extensions = leaf
        [ policy_any ]
        commonName = supplied
        [ leaf ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature
        extendedKeyUsage = serverAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        crlDistributionPoints = URI:http://ca.bench.test:8080/crl
        authorityInfoAccess = OCSP;URI:http://ca.bench.test:8080/ocsp
        """.formatted(dir, dir, ca.certificate(), ca.key());
  }
}
