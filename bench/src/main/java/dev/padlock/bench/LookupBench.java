package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateStatus;
import dev.padlock.ca.store.CertificateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The store at scale: 1M (and in the full run 10M) certificates, one in a hundred revoked, issue times
 * spread over a year; lookups by serial and the listings {@code padlock list} offers, as p50/p99/max.
 */
final class LookupBench {
  private LookupBench() {}

  static void run(Plan plan, Report report, Path work, byte[] leafDer) throws Exception {
    Path dir = work.resolve("lookup-ca");
    BenchCa.init(dir);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    int largest = plan.lookupSizes().get(plan.lookupSizes().size() - 1);
    StoreFiller filler = new StoreFiller(3, leafDer, now, largest);
    SplittableRandom random = new SplittableRandom(42);
    long filled = 0;
    for (int size : plan.lookupSizes()) {
      String at = Bench.label(size);
      long t0 = System.nanoTime();
      try (Connection jdbc = BenchCa.bulkLoad(dir)) {
        filler.fill(jdbc, filled, size, StoreFiller.Kind.mostlyValid());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Bench.log("lookup: %,d certificates in the store (+%,d in %.1f s, %,.0f rows/s)", size, size - filled, seconds,
          (size - filled) / seconds);
      filled = size;
      report.section("store with " + at + " certificates (1% revoked): lookups and listings");
      try (CertificateAuthority ca = BenchCa.open(dir)) {
        measure(plan, report, ca.store(), filler, size, at, now, random);
      }
    }
  }

  private static void measure(Plan plan, Report report, CertificateStore store, StoreFiller filler, int size,
      String at, Instant now, SplittableRandom random) {
    Report.Target under10 = Report.Target.atMost(10);
    report.latency("lookup_p99_ms_" + at, Harness.latency(Math.min(1_000, plan.lookups()), plan.lookups(),
        Duration.ofSeconds(60), () -> store.find(filler.serial(random.nextLong(size))).orElseThrow()), under10,
        "store.find, random stored serials");
    report.latency("lookup_miss_p99_ms_" + at, Harness.latency(100, plan.lookups() / 5, Duration.ofSeconds(30),
        () -> store.find(filler.serial(size + random.nextLong(1L << 40))).isPresent()), under10,
        "store.find, serials not stored");
    list(plan, report, store, "list_p99_ms_" + at, under10, "newest 50: padlock list",
        () -> query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), now));
    list(plan, report, store, "list_revoked_p99_ms_" + at, under10, "newest 50 revoked: padlock list --status revoked",
        () -> query(Optional.of(CertificateStatus.REVOKED), Optional.empty(), Optional.empty(), Optional.empty(), now));
    list(plan, report, store, "list_expiring_p99_ms_" + at, under10, "expiring within 7 days, first 50",
        () -> query(Optional.empty(), Optional.empty(), Optional.of(Duration.ofDays(7)), Optional.empty(), now));
    list(plan, report, store, "list_profile_p99_ms_" + at, under10, "newest 50 of profile device",
        () -> query(Optional.empty(), Optional.of("device"), Optional.empty(), Optional.empty(), now));
    list(plan, report, store, "list_name_p99_ms_" + at, under10, "a stored CN by name: prefix range on certificate_names",
        () -> query(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of(StoreFiller.name(random.nextLong(size))), now));
  }

  private interface QuerySource {
    CertificateQuery next();
  }

  private static void list(Plan plan, Report report, CertificateStore store, String key, Report.Target target,
      String note, QuerySource queries) {
    report.latency(key, Harness.latency(1, plan.listings(), plan.listBudget(), () -> store.list(queries.next())),
        target, note);
  }

  private static CertificateQuery query(Optional<CertificateStatus> status, Optional<String> profile,
      Optional<Duration> expiring, Optional<String> name, Instant now) {
    return new CertificateQuery(status, profile, expiring, name, now, 50);
  }
}
