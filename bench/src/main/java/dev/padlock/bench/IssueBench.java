package dev.padlock.bench;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.CsrCheck;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * In-process issuance from CSRs through {@code CertificateAuthority.issue}, persisted in the CA's H2 store
 * with its audit entry; and the parts it is made of, each timed alone in the same JVM, so the time per
 * certificate can be split without guessing.
 */
final class IssueBench {
  private IssueBench() {}

  /** Creates the CA, times opening and unlocking it, and returns it open and unlocked. */
  static CertificateAuthority open(Plan plan, Report report, Path work) throws java.io.IOException {
    report.section("CA start-up costs (once per process: every CLI command pays them)");
    Path dir = work.resolve("issue-ca");
    BenchCa.init(dir);
    report.measured("ca_open_ms", Harness.millisEach(0, Math.max(1, plan.breakdownRuns()), () -> {
      try (CertificateAuthority ca = BenchCa.open(dir)) {
        return ca.config();
      }
    }), "ms", "CertificateAuthority.open: Hikari pool, Flyway validate, config, certificates");
    CertificateAuthority ca = BenchCa.open(dir);
    report.measured("ca_unlock_ms", Harness.millisEach(0, 1, () -> {
      ca.unlock();
      return ca;
    }), "ms", "decrypt the issuing key: PBKDF2-HMAC-SHA256, 600k iterations");
    return ca;
  }

  static Harness.Workload workload(CertificateAuthority ca, Csrs csrs, int threads) {
    AtomicInteger next = new AtomicInteger();
    return new Harness.Workload("issue", threads, t -> () -> ca.issue(request(csrs.get(next.getAndIncrement()))));
  }

  static IssueRequest request(PKCS10CertificationRequest csr) {
    return IssueRequest.builder("server").csr(csr).requester("bench").build();
  }

  /**
   * Each part of issuance alone, in microseconds per certificate, interleaved round by round with raw
   * signing and verification, so a part can be compared with its share of the limit under the same load.
   */
  static void breakdown(Plan plan, Report report, CertificateAuthority ca, Csrs csrs, Stats issue) throws Exception {
    report.section("issue, part by part (1 thread, microseconds per certificate, interleaved with the limit)");
    SoftwareCaSigner signer = BenchCa.signer(ca);
    IssuedCertificate sample = ca.issue(request(csrs.get(0)));
    CsrCheck.Verified v = CsrCheck.verify(csrs.get(0));
    X500Name subject = new X500Name("CN=" + v.commonName().orElseThrow());
    List<SubjectAltName> sans = v.sans();
    SecureRandom random = new SecureRandom();
    byte[] der = sample.certificate().getEncoded();
    AtomicInteger next = new AtomicInteger();
    java.security.Provider bc = dev.padlock.ca.sign.BouncyCastle.provider();
    // The same store on a second H2 database that keeps H2's default WRITE_DELAY (commits reach the file
    // within 500 ms, not before the call returns): what the durable commit costs, for weighing fixes.
    Path lazyDir = ca.directory().path().resolveSibling("store-write-delay");
    CertificateStore lazy = JdbcStores.open("jdbc:h2:file:" + lazyDir.resolve("padlock").toAbsolutePath(),
        "padlock", "", 4);
    // And one as store.durability=os opens it: every commit written to the OS at once, no fsync.
    CertificateStore os = JdbcStores.openH2(ca.directory().path().resolveSibling("store-os"), 4, false);
    Harness.Workload[] w = {
        LimitBench.verify(bc, 1),
        new Harness.Workload("pop", 1, t -> () -> CsrCheck.verify(csrs.get(next.getAndIncrement()))),
        LimitBench.sign(bc, 1),
        new Harness.Workload("sign", 1, t -> () -> {
          Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
          return CertificateTemplate.leaf(ca.issuingCertificate(), SerialNumber.random(random), subject,
              v.publicKey(), false, now, now.plus(30, ChronoUnit.DAYS), KeyPurposeId.id_kp_serverAuth, sans,
              Optional.of(BenchCa.BASE_URL)).sign(signer).getEncoded();
        }),
        new Harness.Workload("pop-bc-lightweight", 1, t -> () -> {
          PKCS10CertificationRequest csr = csrs.get(next.getAndIncrement());
          if (!csr.isSignatureValid(new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
              .build(PublicKeyFactory.createKey(csr.getSubjectPublicKeyInfo())))) {
            throw new IllegalStateException("CSR signature did not verify");
          }
          return csr;
        }),
        new Harness.Workload("store", 1, t -> () -> {
          CertificateRecord r = record(sample.record(), SerialNumber.random(random), der, random);
          ca.store().recordIssued(r, new AuditEvent(r.issuedAt(), "issue", r.serial().hex(), "bench", "profile=server"));
          return r;
        }),
        new Harness.Workload("store-write-delay", 1, t -> () -> {
          CertificateRecord r = record(sample.record(), SerialNumber.random(random), der, random);
          lazy.recordIssued(r, new AuditEvent(r.issuedAt(), "issue", r.serial().hex(), "bench", "profile=server"));
          return r;
        }),
        new Harness.Workload("store-os", 1, t -> () -> {
          CertificateRecord r = record(sample.record(), SerialNumber.random(random), der, random);
          os.recordIssued(r, new AuditEvent(r.issuedAt(), "issue", r.serial().hex(), "bench", "profile=server"));
          return r;
        })};
    double[][] rates;
    try {
      rates = Harness.interleave(plan.breakdownWindow(), plan.breakdownWarmups(), plan.breakdownRuns(), w);
    } finally {
      lazy.close();
      os.close();
    }
    double total = report.measured("issue_us", issue.reciprocal().times(1e6), "us", "issue_per_s as time per op")
        .median();
    double pop = us(report, "issue_part_pop_verify_us", rates[1], "CsrCheck.verify: PoP + CSR checks");
    double sign = us(report, "issue_part_sign_us", rates[3], "CertificateTemplate.leaf(...).sign + DER");
    double store = us(report, "issue_part_store_us", rates[5],
        "store.recordIssued: INSERTs, audit append, commit, fsync (store.durability=disk, the default)");
    us(report, "issue_part_store_os_us", rates[7],
        "the same with store.durability=os: the commit written to the OS (WRITE_DELAY=0), no fsync");
    us(report, "issue_part_store_write_delay_us", rates[6],
        "context: the same on H2's default WRITE_DELAY (in memory when it returns, written within 500 ms)");
    report.measured("issue_part_rest_us", Stats.single(total - pop - sign - store), "us",
        "issue_us minus the three parts: checks, record, audit text (issue_us is from other rounds)");
    report.ratio("pop_vs_raw_verify", Stats.of(ratios(rates[0], rates[1])), null,
        "CsrCheck.verify time / raw fresh-key verify time, per round");
    report.ratio("pop_bc_lightweight_vs_raw_verify", Stats.of(ratios(rates[0], rates[4])), null,
        "context: the CSR's signature alone through BC's lightweight API, as SignatureCheck verifies it (4f53b2b)");
    report.ratio("sign_part_vs_raw_sign", Stats.of(ratios(rates[2], rates[3])), null,
        "certificate build+sign+encode time / raw sign time, per round");
    AuditEvent event = new AuditEvent(Instant.now(), "issue", "0A", "bench", "profile=server cn=svc-1.bench.test");
    Stats hash = Harness.throughput(1, plan.breakdownWindow(), plan.breakdownWarmups(), plan.breakdownRuns(),
        t -> () -> AuditChain.hash(42, event, AuditChain.GENESIS));
    report.measured("issue_part_audit_hash_us", hash.reciprocal().times(1e6), "us",
        "AuditChain.hash alone (inside the store part)");
    Stats fp = Harness.throughput(1, plan.breakdownWindow(), plan.breakdownWarmups(), plan.breakdownRuns(),
        t -> () -> Fingerprints.sha256(der));
    report.measured("issue_part_fingerprint_us", fp.reciprocal().times(1e6), "us", "SHA-256 fingerprint of the DER");
  }

  private static double us(Report report, String key, double[] rates, String note) {
    return report.measured(key, Stats.of(rates).reciprocal().times(1e6), "us", note).median();
  }

  /** Per round: time of the part / time of the raw operation = raw rate / part rate. */
  private static double[] ratios(double[] raw, double[] part) {
    double[] r = new double[raw.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = raw[i] / part[i];
    }
    return r;
  }

  /** A copy of {@code r} under a new serial and a unique fingerprint (the column is unique). */
  private static CertificateRecord record(CertificateRecord r, SerialNumber serial, byte[] der, SecureRandom random) {
    byte[] fp = new byte[32];
    random.nextBytes(fp);
    return new CertificateRecord(serial, r.subject(), r.commonName(), r.sans(), r.profile(), r.keyType(),
        r.notBefore(), r.notAfter(), r.issuedAt(), HexFormat.of().formatHex(fp), der, r.requester(),
        Optional.empty());
  }
}
