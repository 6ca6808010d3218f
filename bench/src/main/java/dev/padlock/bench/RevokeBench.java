package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.revoke.CrlPublisher;
import dev.padlock.ca.revoke.CrlTemplate;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.RevokedEntry;
import dev.padlock.ca.store.StoredCrl;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;

/**
 * Revocation ({@code CertificateAuthority.revoke}: store update + audit, then a CRL requested from the
 * publisher, which builds it off the caller's thread) with 0,
 * 10k, 100k and 1M certificates already revoked; then, at the largest size, padlock's CRL publication
 * part by part against a bare Bouncy Castle build of the same entries from memory.
 */
final class RevokeBench {
  private RevokeBench() {}

  static void run(Plan plan, Report report, Path work, byte[] leafDer) throws Exception {
    report.section("revoke: store update + audit; the CRL is published off the caller's thread (CertificateAuthority.revoke)");
    Path dir = work.resolve("revoke-ca");
    BenchCa.init(dir);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    int largest = plan.largestRevokeSize();
    StoreFiller revoked = new StoreFiller(1, leafDer, now, largest);
    StoreFiller targets = new StoreFiller(2, leafDer, now, 1_000);
    int targetCount = plan.revokeSizes().size() * (plan.revokeRuns() + 1);
    AtomicLong nextTarget = new AtomicLong();
    try (Connection jdbc = BenchCa.bulkLoad(dir)) {
      targets.fill(jdbc, 0, targetCount, new StoreFiller.Kind(false, Integer.MAX_VALUE));
    }
    long filled = 0;
    double atZero = Double.NaN;
    for (int size : plan.revokeSizes()) {
      long t0 = System.nanoTime();
      try (Connection jdbc = BenchCa.bulkLoad(dir)) {
        revoked.fill(jdbc, filled, size, StoreFiller.Kind.revoked());
      }
      Bench.log("revoke: %,d revoked rows in the store (+%,d in %.1f s)", size, size - filled,
          (System.nanoTime() - t0) / 1e9);
      filled = size;
      try (CertificateAuthority ca = BenchCa.open(dir)) {
        ca.unlock();
        StoredCrl crl = ca.publishCrl(); // also the warm-up: the stored CRL now has this size
        int runs = size == largest ? plan.revokeRunsAtLargest() : plan.revokeRuns();
        Stats ms = report.measured("revoke_ms_at_" + Bench.label(size), Harness.millisEach(size >= 100_000 ? 0 : 1,
            runs, () -> ca.revoke(targets.serial(nextTarget.getAndIncrement()).hex(), RevocationReason.KEY_COMPROMISE,
                "bench")), "ms", String.format("CRL of %,d entries, %.1f MiB", size, crl.der().length / 1048576.0));
        if (size == 0) {
          atZero = ms.median();
        }
        if (size == largest) {
          report.ratio("revoke_" + Bench.label(largest) + "_vs_0", ms.median() / atZero, Report.Target.atMost(2.0),
              "target: flat in CRL size (issue 6: revoke at 1m <= 2x revoke at 0)");
          crlParts(plan, report, ca, largest);
        }
      }
    }
  }

  /** padlock's CRL publication, and its parts, against a bare BC build of the same entries. */
  private static void crlParts(Plan plan, Report report, CertificateAuthority ca, int size) throws Exception {
    String at = Bench.label(size);
    report.section("CRL of " + at + " entries: padlock's publication part by part, and a bare BC build");
    int runs = plan.revokeRunsAtLargest();
    CertificateStore store = ca.store();
    SoftwareCaSigner signer = BenchCa.signer(ca);
    X509CertificateHolder issuer = ca.issuingCertificate();
    Stats publish = report.measured("crl_publish_ms_" + at, Harness.millisEach(0, runs, ca::publishCrl), "ms",
        "CertificateAuthority.publishCrl: number, new revocations, earlier entries reused, sign, encode, save");
    report.measured("crl_part_latest_ms_" + at, Harness.millisEach(0, runs, store::latestCrlNumber), "ms",
        "store.latestCrlNumber (what nextCrlNumber calls): the number alone, not the stored CRL");
    List<RevokedEntry> entries = new ArrayList<>();
    report.measured("crl_part_scan_ms_" + at, Harness.millisEach(0, runs, () -> {
      entries.clear();
      store.forEachRevoked(entries::add);
      return entries.size();
    }), "ms", "store.forEachRevoked: the revocations table, as RevokedEntry objects");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    byte[][] der = new byte[1][];
    report.measured("crl_part_template_ms_" + at, Harness.millisEach(0, runs, () -> {
      CrlTemplate t = new CrlTemplate(issuer, BigInteger.valueOf(1_000_000), now, now.plus(Duration.ofDays(1)));
      entries.forEach(t);
      der[0] = t.sign(signer).getEncoded();
      return der[0];
    }), "ms", "CrlTemplate from memory: entries, sign, encode");
    AtomicLong number = new AtomicLong(store.nextCrlNumber().longValueExact());
    report.measured("crl_part_save_ms_" + at, Harness.millisEach(0, runs, () -> store.saveCrl(new StoredCrl(
        BigInteger.valueOf(number.getAndIncrement()), now, now.plus(Duration.ofDays(1)), der[0]))), "ms",
        "store.saveCrl: the CRL blob written to H2");

    Stats bare = report.measured("crl_bare_ms_" + at, Harness.millisEach(0, runs,
        () -> bare(issuer, entries, now, signer).getEncoded()), "ms",
        "X509v2CRLBuilder, same entries from memory, same extensions: build, sign, encode");
    X509CRLHolder built = bare(issuer, entries, now, signer);
    report.measured("crl_bare_encode_ms_" + at, Harness.millisEach(0, runs, built::getEncoded), "ms",
        "of which getEncoded alone (the TBS is encoded once more to sign it)");
    report.ratio("crl_build_vs_bare", publish.median() / bare.median(), Report.Target.atMost(1.5),
        "crl_publish_ms / crl_bare_ms at " + at + " entries");
    // publishCrl above builds on the CRL its publisher built before; a process's first CRL reads them all.
    Stats first = report.measured("crl_first_publish_ms_" + at, Harness.millisEach(0, runs, () -> new CrlPublisher(
        store, issuer, () -> signer, Clock.systemUTC(), Duration.ofDays(1)).publish()), "ms",
        "a new CrlPublisher's first CRL (a process's first): every revocation read and converted, sign, save");
    report.ratio("crl_first_build_vs_bare", first.median() / bare.median(), Report.Target.atMost(1.5),
        "crl_first_publish_ms / crl_bare_ms at " + at + " entries");
    report.measured("crl_incremental_ms_" + at, Harness.millisEach(0, runs, () -> {
      X509v2CRLBuilder b = new X509v2CRLBuilder(issuer.getSubject(), Date.from(now));
      b.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(3_000_000)));
      b.addExtension(Extension.authorityKeyIdentifier, false, CertificateTemplate.authorityKeyIdentifier(issuer));
      b.addCRL(built);
      b.addCRLEntry(BigInteger.valueOf(now.getEpochSecond()), Date.from(now), RevocationReason.KEY_COMPROMISE.code());
      return b.build(signer.newContentSigner()).getEncoded();
    }), "ms", "a fix to weigh: the previous CRL (held parsed) + 1 new entry via X509v2CRLBuilder.addCRL");
  }

  private static X509CRLHolder bare(X509CertificateHolder issuer, List<RevokedEntry> entries, Instant now,
      SoftwareCaSigner signer) throws Exception {
    X509v2CRLBuilder b = new X509v2CRLBuilder(issuer.getSubject(), Date.from(now));
    b.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
    b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(2_000_000)));
    b.addExtension(Extension.authorityKeyIdentifier, false, CertificateTemplate.authorityKeyIdentifier(issuer));
    for (RevokedEntry e : entries) {
      if (e.reason() == RevocationReason.UNSPECIFIED) {
        b.addCRLEntry(e.serial().value(), Date.from(e.revokedAt()), (org.bouncycastle.asn1.x509.Extensions) null);
      } else {
        b.addCRLEntry(e.serial().value(), Date.from(e.revokedAt()), e.reason().code());
      }
    }
    return b.build(signer.newContentSigner());
  }
}
