package dev.padlock.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, in the Prometheus text exposition format (version 0.0.4): certificates issued
 * (by profile and by how they were asked for), certificates revoked, requests refused (by problem type) and
 * request latency (a histogram per listener). Counts this process only.
 */
public final class Metrics {
  private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Map<String, LongAdder> issued = new ConcurrentHashMap<>();
  private final LongAdder revoked = new LongAdder();
  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();

  public void issued(String profile, String via) {
    issued.computeIfAbsent("profile=\"" + profile + "\",via=\"" + via + "\"", k -> new LongAdder()).increment();
  }

  public void revoked() {
    revoked.increment();
  }

  /** A request refused with a problem of type {@code slug} (e.g. {@code unauthorized}). */
  public void refused(String slug) {
    refused.computeIfAbsent(slug, k -> new LongAdder()).increment();
  }

  public void observe(String listener, long nanos) {
    latency.computeIfAbsent(listener, k -> new Histogram()).observe(nanos / 1e9);
  }

  /** The exposition text. */
  public String scrape() {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP padlock_certificates_issued_total Certificates issued by this server.\n");
    sb.append("# TYPE padlock_certificates_issued_total counter\n");
    new TreeMap<>(issued).forEach((labels, n) ->
        sb.append("padlock_certificates_issued_total{").append(labels).append("} ").append(n.sum()).append('\n'));
    sb.append("# HELP padlock_certificates_revoked_total Certificates revoked through this server.\n");
    sb.append("# TYPE padlock_certificates_revoked_total counter\n");
    sb.append("padlock_certificates_revoked_total ").append(revoked.sum()).append('\n');
    sb.append("# HELP padlock_requests_refused_total Requests refused, by problem type.\n");
    sb.append("# TYPE padlock_requests_refused_total counter\n");
    new TreeMap<>(refused).forEach((slug, n) -> sb.append("padlock_requests_refused_total{reason=\"").append(slug)
        .append("\"} ").append(n.sum()).append('\n'));
    sb.append("# HELP padlock_request_duration_seconds Time to answer a request.\n");
    sb.append("# TYPE padlock_request_duration_seconds histogram\n");
    new TreeMap<>(latency).forEach((listener, h) -> h.write(sb, "listener=\"" + listener + "\""));
    return sb.toString();
  }

  private static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void write(StringBuilder sb, String labels) {
      for (int i = 0; i < BUCKETS.length; i++) {
        sb.append("padlock_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(BUCKETS[i])
            .append("\"} ").append(counts[i].sum()).append('\n');
      }
      long n = count.sum();
      sb.append("padlock_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(n).append('\n');
      sb.append("padlock_request_duration_seconds_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
      sb.append("padlock_request_duration_seconds_count{").append(labels).append("} ").append(n).append('\n');
    }
  }
}
