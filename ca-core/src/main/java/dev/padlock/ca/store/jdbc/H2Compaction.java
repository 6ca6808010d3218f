package dev.padlock.ca.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;

/**
 * Keeps the H2 database file from filling with dead space while the CA runs.
 *
 * <p>H2 copies on write: every commit writes a new chunk holding the pages it changed, and a chunk's
 * space is freed only when none of its pages is live any more. An issuance changes a page of the
 * certificates table that is keyed by a random serial, so almost every chunk keeps one live page for a
 * long time and 95% dead space around it. H2 rewrites such chunks from its background writer, which
 * padlock does not run ({@code WRITE_DELAY=0}: every commit is written at once); and closing the database
 * compacts for 200 ms only. Measured on the bench machine: 12,000 issuances grew the file to 441 MB (37 KB
 * each) where 10 MB holds them.
 *
 * <p>So every {@link #EVERY} commits the store asks H2 to rewrite the live pages of its sparsest chunks
 * (at most {@link #WRITE_LIMIT} bytes) into a new one, and forces that to the disk like any commit. And a
 * store that forces every commit to the disk sets H2's retention time to {@link #FORCED_RETENTION_MS}:
 * how long a dead chunk is kept before its space is used again. H2's default, 45 s, assumes the operating
 * system may take that long to write a commit out; here every commit is on the disk within milliseconds
 * of being written (the slowest fsync seen on the bench machine, p99 with both cores saturated, took
 * 17 ms). A store that leaves the flush to the operating system keeps the default. A shorter retention
 * keeps the file smaller under load (1 s: 25 MB instead of 70 MB in the first case below) for less margin.
 *
 * <p>Measured on the bench machine: issuing 150 certificates a second for 60 s, the file stayed at 38-70 MB
 * (323 MB and growing before), 17 MB once closed; at full speed on one thread, 37,000 issuances in 40 s
 * left 524 MB (1.7 GB before). Issuance is not slower for it: the file no longer grows at every fsync.
 *
 * <p>Only an embedded H2 database this process opened can be compacted here; through another process's
 * AUTO_SERVER connection it is left to that process.
 */
final class H2Compaction {
  /** Commits between two compactions. */
  static final int EVERY = 64;
  /** Chunks are rewritten while the live share of all chunks is below this (percent). */
  static final int TARGET_FILL = 80;
  /** Bytes of live pages rewritten by one compaction at most. */
  static final int WRITE_LIMIT = 4 << 20;
  /** H2's retention time for a store whose commits are all forced to the disk. */
  static final int FORCED_RETENTION_MS = 5_000;
  /** H2's default retention time, for a store that leaves the flush to the operating system. */
  static final int DEFAULT_RETENTION_MS = 45_000;

  private final boolean forceToDisk;
  private int commits;
  private long compactions;
  private long failures;

  H2Compaction(boolean forceToDisk) {
    this.forceToDisk = forceToDisk;
  }

  /** The retention time for a store that does or does not force its commits to the disk. */
  static int retentionMs(boolean forceToDisk) {
    return forceToDisk ? FORCED_RETENTION_MS : DEFAULT_RETENTION_MS;
  }

  /** Sets H2's retention time (a setting kept in the database), and forces what opening wrote to the disk. */
  static void prepare(Connection c, boolean forceToDisk, int retentionMs) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET RETENTION_TIME " + retentionMs);
      if (forceToDisk) {
        s.execute("CHECKPOINT SYNC"); // migrations and settings: on the disk before any space is used again
      }
    }
  }

  /**
   * Counts a commit (already forced, if the store forces); every {@link #EVERY}th rewrites the sparsest
   * chunks, and with a store that forces its commits, forces the rewrite to the disk before returning. The
   * commit stands whatever happens here: a compaction that fails is left for the next one (a disk that
   * fails is reported by the next commit's force).
   */
  synchronized void committed(Connection c) {
    if (++commits < EVERY) {
      return;
    }
    commits = 0;
    try {
      MVStore store = mvStore(c);
      if (store != null && store.compact(TARGET_FILL, WRITE_LIMIT)) {
        compactions++;
        if (forceToDisk) {
          try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT SYNC");
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      failures++;
    }
  }

  /** Compactions that failed, since the store opened. */
  synchronized long failures() {
    return failures;
  }

  /** Compactions that rewrote something, since the store opened. */
  synchronized long compactions() {
    return compactions;
  }

  /** The store under an embedded connection; null for a connection to another process's database. */
  private static MVStore mvStore(Connection c) throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)) {
      return null;
    }
    Session session = c.unwrap(JdbcConnection.class).getSession();
    if (!(session instanceof SessionLocal local)) {
      return null;
    }
    Store store = local.getDatabase().getStore();
    return store == null ? null : store.getMvStore();
  }
}
