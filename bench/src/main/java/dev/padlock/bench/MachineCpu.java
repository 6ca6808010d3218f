package dev.padlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * How busy the machine's cores were between two readings of {@code /proc/stat} (Linux): the share of all
 * cores' time spent neither idle nor waiting for I/O. Machine-wide, so it counts other processes too; what
 * it tells apart is a workload that is bound by the CPU (near 1) from one whose threads wait (for a commit,
 * a lock or the disk) while cores idle.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");

  /** Busy and total jiffies since boot, summed over all cores. */
  record Reading(long busy, long total) {}

  private MachineCpu() {}

  /** Now, or null where there is no {@code /proc/stat}. */
  static Reading read() {
    try {
      return parse(Files.readString(STAT));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The aggregate {@code cpu} line of {@code /proc/stat}: user nice system idle iowait irq softirq steal
   * (guest time is already inside user and nice, so later fields are not added).
   */
  static Reading parse(String stat) {
    String line = stat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no aggregate cpu line"));
    String[] f = line.trim().split("\\s+");
    long total = 0;
    long idle = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i == 4 || i == 5) {
        idle += v;
      }
    }
    return new Reading(total - idle, total);
  }

  /** The busy share of the cores between two readings; empty if either is missing or no time passed. */
  static OptionalDouble busy(Reading before, Reading after) {
    if (before == null || after == null || after.total() <= before.total()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) (after.busy() - before.busy()) / (after.total() - before.total()));
  }
}
