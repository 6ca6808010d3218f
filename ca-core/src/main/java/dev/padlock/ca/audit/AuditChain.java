package dev.padlock.ca.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain of the audit log: each entry's hash is SHA-256 over the previous entry's hash and the
 * entry's own fields (each length-prefixed, so no two entries encode alike). Changing, removing or
 * reordering any entry breaks the chain from there on.
 */
public final class AuditChain {
  /** The previous hash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  public static String hash(long sequence, AuditEvent e, String previousHash) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      field(out, previousHash);
      out.writeLong(sequence);
      out.writeLong(e.at().getEpochSecond());
      field(out, e.action());
      field(out, e.serial());
      field(out, e.actor());
      field(out, e.detail());
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (IOException | NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static void field(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** The result of checking a log: how many entries were read and the first broken one, if any. */
  public record Verdict(long entries, Optional<Break> firstBreak) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** Where the chain breaks and why. */
  public record Break(long sequence, AuditEvent event, String reason) {}

  /** Checks entries in order; feed every entry to {@link #accept}, then call {@link #verdict}. */
  public static final class Verifier implements java.util.function.Consumer<AuditEntry> {
    private String expectedPrevious = GENESIS;
    private long expectedSequence = 1;
    private long count;
    private Break firstBreak;

    @Override
    public void accept(AuditEntry entry) {
      count++;
      if (firstBreak != null) {
        return;
      }
      if (entry.sequence() != expectedSequence) {
        firstBreak = new Break(entry.sequence(), entry.event(),
            "expected entry #" + expectedSequence + " here: an entry is missing or out of order");
      } else if (!entry.previousHash().equals(expectedPrevious)) {
        firstBreak = new Break(entry.sequence(), entry.event(),
            "its link to the previous entry does not match: an entry before it was changed or removed");
      } else if (!hash(entry.sequence(), entry.event(), entry.previousHash()).equals(entry.hash())) {
        firstBreak = new Break(entry.sequence(), entry.event(), "its content does not match its hash: it was changed");
      }
      expectedPrevious = entry.hash();
      expectedSequence = entry.sequence() + 1;
    }

    public Verdict verdict() {
      return new Verdict(count, Optional.ofNullable(firstBreak));
    }
  }
}
