package dev.padlock.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording's execution samples ({@code jdk.ExecutionSample}) and says where the time went:
 * by phase of padlock's work (the innermost phase on each sampled stack) and by hottest method (self
 * time). What {@code jfr print --events jdk.ExecutionSample} prints, added up.
 *
 * <pre>java -cp ... dev.padlock.bench.JfrTop recording.jfr [thread-name-prefix [phase-text]]</pre>
 *
 * With a phase text, also prints the commonest stacks (top 14 frames) of the samples in phases that
 * contain it.
 */
public final class JfrTop {
  /** Phases, matched against "class.method" of each frame from the top of the stack down. */
  private static final Map<String, String> PHASES = new LinkedHashMap<>();

  static {
    PHASES.put("dev.padlock.ca.sign.SignatureCheck.verifies", "issue: PoP verify (CsrCheck.verify)");
    PHASES.put("dev.padlock.ca.issue.CsrCheck.verify", "issue: PoP verify (CsrCheck.verify)");
    PHASES.put("dev.padlock.ca.issue.CertificateTemplate.sign", "issue: build + sign (CertificateTemplate.sign)");
    PHASES.put("dev.padlock.ca.issue.CertificateTemplate.leaf", "issue: template (CertificateTemplate.leaf)");
    PHASES.put("dev.padlock.ca.CertificateAuthority.encoded", "issue: DER encode");
    PHASES.put("dev.padlock.ca.Fingerprints.", "issue: fingerprint");
    PHASES.put("dev.padlock.ca.SerialNumber.random", "issue: serial (SecureRandom)");
    PHASES.put("dev.padlock.ca.CertificateAuthority.decide", "issue: profile/name checks");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.insertIssued", "store: INSERTs (group commit batch)");
    PHASES.put("dev.padlock.ca.store.jdbc.AuditLog.appendAll", "store: audit append (head kept in memory)");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.forEachRevokedSince",
        "CRL: revocations scan (forEachRevokedSince)");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.latestCrl", "CRL: read stored CRL (latestCrl)");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.saveCrl", "CRL: save blob (saveCrl)");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.revoke", "store: revoke UPDATE");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.find", "store: find");
    PHASES.put("dev.padlock.ca.revoke.CrlTemplate.accept", "CRL: add entries (CrlTemplate.accept)");
    PHASES.put("dev.padlock.ca.revoke.CrlTemplate.sign", "CRL: build + sign (CrlTemplate.sign)");
    PHASES.put("org.bouncycastle.cert.X509CRLHolder.getEncoded", "CRL: encode (getEncoded)");
    PHASES.put("org.h2.jdbc.JdbcConnection.commit", "store: commit");
    PHASES.put("org.h2.jdbc.JdbcConnection.rollback", "store: rollback (a retried transaction)");
    PHASES.put("com.zaxxer.hikari.pool.HikariPool.getConnection", "store: Hikari get connection");
    PHASES.put("com.zaxxer.hikari.pool.ProxyConnection.close", "store: Hikari return connection (resets autocommit)");
    PHASES.put("dev.padlock.ca.store.jdbc.JdbcCertificateStore.inTransaction", "store: transaction (other)");
    PHASES.put("dev.padlock.ca.store.", "store: other");
    PHASES.put("dev.padlock.ca.", "padlock: other");
  }

  private JfrTop() {}

  public static void main(String[] args) throws Exception {
    String prefix = args.length > 1 ? args[1] : "";
    String detail = args.length > 2 ? args[2] : null;
    Map<String, Integer> stacks = new TreeMap<>();
    Map<String, Integer> phases = new TreeMap<>();
    Map<String, Integer> self = new TreeMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      var thread = e.getThread("sampledThread");
      if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith(prefix)) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      total++;
      List<RecordedFrame> frames = st.getFrames();
      self.merge(name(frames.get(0)), 1, Integer::sum);
      String phase = phase(frames);
      phases.merge(phase, 1, Integer::sum);
      if (detail != null && phase.contains(detail)) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(14, frames.size()); i++) {
          sb.append("\n           ").append(name(frames.get(i))).append(':').append(frames.get(i).getLineNumber());
        }
        stacks.merge(sb.toString(), 1, Integer::sum);
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d execution samples%s%n", args[0], total,
        prefix.isEmpty() ? "" : " on threads named " + prefix + "*");
    print("by phase (the innermost phase on each sampled stack)", phases, total, 30);
    print("hottest methods (self)", self, total, 25);
    if (detail != null) {
      print("commonest stacks in phases containing '" + detail + "'", stacks, total, 8);
    }
  }

  /** "class.method", a lambda named after the method it is written in. */
  private static String name(RecordedFrame f) {
    String m = f.getMethod().getName();
    if (m.startsWith("lambda$")) {
      int end = m.indexOf('$', 7);
      m = m.substring(7, end < 0 ? m.length() : end);
    }
    return f.getMethod().getType().getName() + "." + m;
  }

  private static String phase(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String n = name(f);
      for (Map.Entry<String, String> p : PHASES.entrySet()) {
        if (n.startsWith(p.getKey())) {
          return p.getValue();
        }
      }
    }
    return "outside padlock (benchmark, JDK)";
  }

  private static void print(String title, Map<String, Integer> counts, int total, int limit) {
    System.out.println();
    System.out.println(title + ":");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
        .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * en.getValue() / total,
            en.getValue(), en.getKey()));
  }
}
