package dev.padlock.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much to measure. {@code tiny} keeps the smoke test fast, {@code quick} is what CI runs (under five
 * minutes), {@code full} is the run the README quotes (under thirty).
 *
 * @param jitWarmup issuance alone before anything is timed: its code paths (BC's EC arithmetic on fresh
 *     keys, H2) run several times slower for the first 10-15 s while the JIT compiles them
 * @param window how long one timed run of a throughput figure lasts
 * @param warmups untimed runs before the timed ones (the JIT compiles Bouncy Castle's EC code in these)
 * @param runs timed runs of a main figure; min/median/max are over these
 * @param breakdownRuns timed runs of a component figure (the parts issuance is made of)
 * @param breakdownWindow how long one timed run of a component figure lasts
 * @param breakdownWarmups untimed runs before a component's timed ones (issuance has warmed the JIT by then)
 * @param csrPool distinct CSRs, issued round-robin (each issuance still verifies its CSR and gets a new serial)
 * @param revokeSizes how many certificates are already revoked when a revocation is timed
 * @param revokeRuns revocations timed at each size (fewer at the largest, where each takes seconds)
 * @param lookupSizes certificates stored when lookups and listings are timed
 * @param lookups lookups by serial timed at each size (p50/p99/max over these)
 * @param listings listings timed per kind at each size, within {@code listBudget}
 * @param peers whether to run cfssl and openssl when installed
 */
public record Plan(String name, Duration jitWarmup, Duration window, int warmups, int runs, int breakdownRuns,
    Duration breakdownWindow, int breakdownWarmups, int csrPool,
    List<Integer> revokeSizes, int revokeRuns, int revokeRunsAtLargest, List<Integer> lookupSizes, int lookups,
    int listings, Duration listBudget, int opensslBatch, boolean peers) {

  public static Plan tiny() {
    return new Plan("tiny", Duration.ZERO, Duration.ofMillis(100), 1, 2, 1, Duration.ofMillis(100), 1, 16,
        List.of(0, 500), 2, 2, List.of(2_000), 200, 10, Duration.ofSeconds(1), 20, false);
  }

  public static Plan quick() {
    return new Plan("quick", Duration.ofSeconds(20), Duration.ofMillis(1_000), 2, 4, 2, Duration.ofMillis(500), 1,
        512, List.of(0, 10_000, 100_000), 5, 3, List.of(250_000), 5_000, 100, Duration.ofSeconds(5), 1_000, true);
  }

  public static Plan full() {
    return new Plan("full", Duration.ofSeconds(30), Duration.ofMillis(2_000), 3, 7, 5, Duration.ofMillis(2_000), 3,
        1_024, List.of(0, 10_000, 100_000, 1_000_000), 5, 3, List.of(1_000_000, 10_000_000), 20_000, 200,
        Duration.ofSeconds(10), 2_000, true);
  }

  public static Plan named(String name) {
    return switch (name) {
      case "tiny" -> tiny();
      case "quick" -> quick();
      case "full" -> full();
      default -> throw new IllegalArgumentException("unknown plan '" + name + "': use tiny, quick or full");
    };
  }

  public int largestRevokeSize() {
    return revokeSizes.get(revokeSizes.size() - 1);
  }
}
