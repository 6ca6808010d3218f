package dev.padlock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the instrument compiling and working: the whole harness at a tiny size (peers off). It asserts
 * that every figure is there and finite, never how fast anything is.
 */
class BenchSmokeTest {
  @TempDir Path tmp;

  @Test
  void tinyRunReportsEveryFigureAndWritesJson() throws Exception {
    Report report = Bench.run(Plan.tiny(), tmp.resolve("work"), new LinkedHashSet<>(Bench.SECTIONS));

    for (String key : List.of("limit_sign_per_s", "limit_verify_per_s", "limit_issue_per_s", "issue_per_s",
        "issue_per_s_2t", "issue_vs_limit", "issue_vs_limit_2t",
        "issue_cpu_busy", "issue_cpu_busy_2t", "issue_part_pop_verify_us", "issue_part_sign_us",
        "issue_part_store_us", "est_per_s", "est_per_s_2t", "est_vs_limit", "est_vs_limit_2t",
        "loadgen_https_ceiling_per_s", "ocsp_per_s", "ocsp_jersey_per_s", "ocsp_handler_vs_jersey",
        "ocsp_conn_per_request_per_s", "loadgen_http_ceiling_per_s", "revoke_ms_at_0", "revoke_ms_at_500",
        "crl_build_vs_bare", "lookup_p99_ms_2k", "list_p99_ms_2k", "list_name_p99_ms_2k", "mtls_bare_jdk_per_s",
        "mtls_bare_bc_per_s", "mtls_padlock_per_s", "mtls_jdk_checker_per_s", "mtls_vs_bare", "mtls_vs_jdk_checker",
        "tunnel_direct_mb_s", "tunnel_mb_s", "tunnel_vs_direct")) {
      assertThat(report.figure(key)).as(key).isPresent();
      assertThat(report.value(key)).as(key).isFinite().isPositive();
    }
    for (String peer : List.of("cfssl_per_s", "est_vs_cfssl", "est_vs_cfssl_2t", "ocsp_vs_openssl")) {
      assertThat(report.figure(peer).orElseThrow().note()).as(peer).startsWith("skipped:");
    }
    assertThat(report.figure("mtls_vs_openssl").orElseThrow().note()).startsWith("skipped: peers are off");
    assertThat(report.figure("tunnel_vs_stunnel").orElseThrow().note()).startsWith("skipped: peers are off");

    Path json = tmp.resolve("results.json");
    report.writeJson(json);
    String text = Files.readString(json);
    assertThat(text).contains("\"issue_vs_limit\": {", "\"target\": \">= 0.9\"", "\"est_per_s\": {");
    assertThat(text.chars().filter(c -> c == '{').count()).isEqualTo(text.chars().filter(c -> c == '}').count());

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8)).contains("issue_vs_limit", "target >= 0.900",
        "mtls_vs_jdk_checker", "target >= 3.00");
  }
}
