package dev.padlock.bench;

import java.util.Arrays;

/** Latencies of single operations, in milliseconds: p50, p99 and max over {@code n} samples. */
public record Latency(double p50, double p99, double max, int n) {

  public static Latency ofNanos(long[] nanos, int count) {
    if (count == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] v = Arrays.copyOf(nanos, count);
    Arrays.sort(v);
    return new Latency(ms(v[index(count, 0.50)]), ms(v[index(count, 0.99)]), ms(v[count - 1]), count);
  }

  private static int index(int count, double quantile) {
    return Math.min(count - 1, (int) Math.ceil(quantile * count) - 1);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
