package dev.padlock.tls.revocation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The revoked serial numbers of one CRL, packed for constant-time lookup at handshake time: serial
 * bytes in one array, dates and reasons in parallel arrays, and an open-addressing hash table of
 * entry indexes. About 40 bytes per entry (a million entries take some 40 MB, a fraction of what
 * {@code X509CRL} objects would).
 */
public final class RevokedSerials {
  private final byte[] pool;
  private final int[] offsets;
  private final long[] dates;
  private final byte[] reasons;
  private final int size;
  private final int[] table;

  private RevokedSerials(Builder b) {
    this.pool = Arrays.copyOf(b.pool, b.poolSize);
    this.offsets = Arrays.copyOf(b.offsets, b.size + 1);
    this.dates = Arrays.copyOf(b.dates, b.size);
    this.reasons = Arrays.copyOf(b.reasons, b.size);
    this.size = b.size;
    int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
    this.table = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = hash(pool, offsets[i], offsets[i + 1]) & mask;
      while (true) {
        int existing = table[slot];
        if (existing == 0) {
          table[slot] = i + 1;
          break;
        }
        if (sameBytes(existing - 1, pool, offsets[i], offsets[i + 1])) {
          break; // a duplicate serial: keep the first entry
        }
        slot = (slot + 1) & mask;
      }
    }
  }

  /** One revoked certificate: when, and why (an RFC 5280 reason code, or -1 if the CRL gives none). */
  public record Entry(BigInteger serial, Instant revocationDate, int reasonCode) {}

  /** How many entries the CRL has. */
  public int size() {
    return size;
  }

  /** The entry for a serial, if it is revoked. Constant time. */
  public Optional<Entry> find(BigInteger serial) {
    byte[] key = serial.toByteArray();
    int mask = table.length - 1;
    int slot = hash(key, 0, key.length) & mask;
    while (true) {
      int idx = table[slot];
      if (idx == 0) {
        return Optional.empty();
      }
      if (sameBytes(idx - 1, key, 0, key.length)) {
        return Optional.of(new Entry(serial, Instant.ofEpochSecond(dates[idx - 1]), reasons[idx - 1]));
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean sameBytes(int entry, byte[] other, int from, int to) {
    return Arrays.equals(pool, offsets[entry], offsets[entry + 1], other, from, to);
  }

  private static int hash(byte[] a, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ a[i]) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects entries while a CRL is parsed. */
  public static final class Builder {
    private byte[] pool = new byte[1024];
    private int poolSize;
    private int[] offsets = new int[65];
    private long[] dates = new long[64];
    private byte[] reasons = new byte[64];
    private int size;

    private Builder() {}

    /** Adds a serial in two's-complement big-endian form (as {@link BigInteger#toByteArray()}). */
    public Builder add(byte[] serial, long revokedEpochSecond, int reasonCode) {
      if (size == dates.length) {
        int n = size * 2;
        dates = Arrays.copyOf(dates, n);
        reasons = Arrays.copyOf(reasons, n);
        offsets = Arrays.copyOf(offsets, n + 1);
      }
      if (poolSize + serial.length > pool.length) {
        pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + serial.length));
      }
      System.arraycopy(serial, 0, pool, poolSize, serial.length);
      poolSize += serial.length;
      dates[size] = revokedEpochSecond;
      reasons[size] = (byte) reasonCode;
      size++;
      offsets[size] = poolSize;
      return this;
    }

    public RevokedSerials build() {
      return new RevokedSerials(this);
    }
  }
}
