package dev.padlock.bench;

import java.util.Arrays;

/** The spread of repeated measurements: min, median and max, and how many there were. */
public record Stats(double min, double median, double max, int n) {

  public static Stats of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no measurements");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return new Stats(v[0], median, v[v.length - 1], v.length);
  }

  /** A single derived value (a ratio): min = median = max. */
  public static Stats single(double value) {
    return new Stats(value, value, value, 1);
  }

  /** The reciprocal of each figure: operations/s to seconds per operation and back (min and max swap). */
  public Stats reciprocal() {
    return new Stats(1 / max, 1 / median, 1 / min, n);
  }

  public Stats times(double factor) {
    return new Stats(min * factor, median * factor, max * factor, n);
  }
}
