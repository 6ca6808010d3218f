package dev.padlock.bench;

import dev.padlock.ca.SerialNumber;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Fills a CA's store at scale, in JDBC batches straight into padlock's schema (as migrated by Flyway), far
 * faster than issuing each certificate. Row {@code i} of a fill with seed {@code s} gets a serial and a
 * fingerprint computed from (s, i), so lookups can pick stored serials without keeping them. Each row's
 * name goes into {@code certificate_names} and each revoked row into {@code revocations}, as the store
 * itself writes them.
 */
final class StoreFiller {
  private static final String INSERT = "INSERT INTO certificates (serial, subject, common_name, sans, profile, "
      + "key_type, not_before, not_after, issued_at, fingerprint, der, requester, status, revoked_at, "
      + "revocation_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** Each certificate's names (its CN; the SAN's value is the same name), as the store writes them. */
  private static final String INSERT_NAME = "INSERT INTO certificate_names (name, serial) VALUES (?, ?)";
  /** The revocation journal CRLs are built from, as the store writes it for each revocation. */
  private static final String INSERT_REVOCATION =
      "INSERT INTO revocations (seq, serial, revoked_at, reason) VALUES (?, ?, ?, ?)";
  private static final String[] PROFILES = {"server", "client", "device"};
  private static final int[] REASONS = {1, 4, 5, 0}; // keyCompromise, superseded, cessationOfOperation, unspecified
  private static final int BATCH = 1_000;
  private static final int COMMIT_EVERY = 100_000;

  /** What the rows are: all revoked (for CRL sizes), or valid with one in {@code revokedEvery} revoked. */
  record Kind(boolean allRevoked, int revokedEvery) {
    static Kind revoked() {
      return new Kind(true, 1);
    }

    static Kind mostlyValid() {
      return new Kind(false, 100);
    }
  }

  private final long seed;
  private final byte[] der;
  private final Instant now;
  private final long spacingSeconds;

  /**
   * @param der the DER stored in every row (a real leaf, so rows have a real leaf's size)
   * @param expected how many rows the store will hold: issue times are spread over the past year
   * @param seed 0 to 15: fills with different seeds share no serial
   */
  StoreFiller(long seed, byte[] der, Instant now, long expected) {
    this.seed = seed;
    this.der = der.clone();
    this.now = now;
    this.spacingSeconds = Math.max(1, Duration.ofDays(365).getSeconds() / Math.max(1, expected));
  }

  /**
   * Row {@code i}'s serial: 2^124 + seed * 2^112 + i * 2^72 + 72 pseudo-random bits. Always 32 hex digits,
   * so the hex text sorts as the number does, and rising with {@code i}: rows go into every index in
   * order (appends), which makes the bulk load an order of magnitude faster than random keys would. A
   * B-tree's depth and the cost of a lookup do not depend on the order its keys arrived in.
   */
  SerialNumber serial(long i) {
    BigInteger v = BigInteger.ONE.shiftLeft(124)
        .add(BigInteger.valueOf(seed).shiftLeft(112))
        .add(BigInteger.valueOf(i).shiftLeft(72))
        .add(new BigInteger(1, low72(i)));
    return new SerialNumber(v);
  }

  private byte[] low72(long i) {
    long a = mix(seed * 0x9E3779B97F4A7C15L + i);
    long b = mix(a ^ 0xD1B54A32D192ED03L);
    byte[] out = new byte[9];
    for (int k = 0; k < 8; k++) {
      out[k] = (byte) (a >>> (56 - 8 * k));
    }
    out[8] = (byte) b;
    return out;
  }

  /** Rising with {@code i} too (the column has a unique index), then pseudo-random. */
  private String fingerprint(long i) {
    long a = mix(seed ^ mix(i + 0x632BE59BD9B4E019L));
    HexFormat h = HexFormat.of();
    return String.format("%01x%015x", seed & 0xf, i) + h.toHexDigits(a) + h.toHexDigits(mix(a + 1))
        + h.toHexDigits(mix(a + 2));
  }

  /** Row {@code i}'s CN: zero-padded so that names, too, rise with {@code i}. */
  static String name(long i) {
    return String.format("svc-%010d.bench.test", i);
  }

  /** SplitMix64's finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Inserts rows {@code from} (inclusive) to {@code to} (exclusive). */
  void fill(Connection c, long from, long to, Kind kind) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(INSERT);
         PreparedStatement names = c.prepareStatement(INSERT_NAME);
         PreparedStatement revocations = c.prepareStatement(INSERT_REVOCATION)) {
      for (long i = from; i < to; i++) {
        bind(ps, i, kind);
        ps.addBatch();
        names.setString(1, name(i));
        names.setString(2, serial(i).hex());
        names.addBatch();
        if (revoked(i, kind)) {
          revocations.setLong(1, revocationSequence(i));
          revocations.setString(2, serial(i).hex());
          revocations.setLong(3, revokedAt(i));
          revocations.setInt(4, REASONS[(int) (i % REASONS.length)]);
          revocations.addBatch();
        }
        if ((i - from + 1) % BATCH == 0) {
          ps.executeBatch();
          names.executeBatch();
          revocations.executeBatch();
        }
        if ((i - from + 1) % COMMIT_EVERY == 0) {
          c.commit();
        }
      }
      ps.executeBatch();
      names.executeBatch();
      revocations.executeBatch();
      c.commit();
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private long issued(long i) {
    return now.getEpochSecond() - Duration.ofDays(365).getSeconds() + i * spacingSeconds;
  }

  private long revokedAt(long i) {
    return Math.min(now.getEpochSecond(), issued(i) + 86_400);
  }

  private static boolean revoked(long i, Kind kind) {
    return kind.allRevoked() || i % kind.revokedEvery() == kind.revokedEvery() - 1;
  }

  /**
   * Row {@code i}'s place in the revocation journal: negative (below every audit sequence, as the store's
   * migration numbers revocations it finds), rising with {@code i}, and apart for each seed.
   */
  private long revocationSequence(long i) {
    return -(1L << 62) + (seed << 50) + i;
  }

  private void bind(PreparedStatement ps, long i, Kind kind) throws SQLException {
    String name = name(i);
    long issued = issued(i);
    String profile = PROFILES[(int) (i % PROFILES.length)];
    long lifetime = Duration.ofDays(profile.equals("device") ? 365 : 30).getSeconds();
    boolean revoked = revoked(i, kind);
    ps.setString(1, serial(i).hex());
    ps.setString(2, "CN=" + name);
    ps.setString(3, name);
    ps.setString(4, "dns:" + name);
    ps.setString(5, profile);
    ps.setString(6, "ec-p256");
    ps.setLong(7, issued - 60);
    ps.setLong(8, issued + lifetime);
    ps.setLong(9, issued);
    ps.setString(10, fingerprint(i));
    ps.setBytes(11, der);
    ps.setString(12, "bench");
    ps.setString(13, revoked ? "revoked" : "valid");
    if (revoked) {
      ps.setLong(14, revokedAt(i));
      ps.setInt(15, REASONS[(int) (i % REASONS.length)]);
    } else {
      ps.setNull(14, java.sql.Types.BIGINT);
      ps.setNull(15, java.sql.Types.INTEGER);
    }
  }
}
