package dev.padlock.ca.store.jdbc;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.h2.mvstore.db.Store;

/**
 * Keeps the H2 database file from filling with dead space while the CA runs.
 *
 * <p>H2 copies on write: every commit writes a new chunk holding the pages it changed, and a chunk's
 * space is used again only when none of its pages is live any more. An issuance changes a page of the
 * certificates table that is keyed by a random serial, so almost every chunk keeps one live page for a
 * long time and 95% dead space around it. H2 rewrites such chunks from its background writer, which
 * padlock does not run ({@code WRITE_DELAY=0}: every commit is written at once); and closing the database
 * compacts for 200 ms only. Measured on the bench machine: 12,000 issuances grew the file to 441 MB (37 KB
 * each) where 10 MB holds them.
 *
 * <p>So every {@link #EVERY} commits the store asks H2 to rewrite the live pages of its sparsest chunks
 * (at most {@link #WRITE_LIMIT} bytes; H2's own background writer does the same): H2 marks them changed,
 * and the {@link #force} that follows in a store that forces its commits writes them to a new chunk and
 * to the disk (in a store that does not, the next commit writes them). A store that forces its
 * commits also sets H2's retention time, the age a chunk must reach before its space can be used again
 * once it is dead, to {@link #FORCED_RETENTION_MS} instead of H2's 45 s, which assumes the operating system
 * may take that long to write a commit out; set on this process's database only, never stored in the file.
 * That keeps the file smaller under load (below). The retention time does not keep a dead chunk's space
 * from being used before the commit that killed it is on the disk (H2 counts a chunk's age from when it
 * was written, not from when it died); two things do. This process's writers take turns, each forcing its
 * commit before the next one writes. And each {@link #force} pins H2's current version
 * ({@code MVStore.registerVersionUsage}) before it forces, and lets the previous force's pin go after:
 * H2 reuses a dead chunk's space only if the change that killed it is older than every pinned version, so
 * space freed by any commit that is not yet forced stays untouched, whoever wrote it. That covers what the
 * turns cannot: another process writing through AUTO_SERVER (the CLI while {@code padlock serve} runs,
 * which commits and forces in two round trips), and any write that does not force. It relies on
 * {@code WRITE_DELAY=0}: H2 then writes each store's chunk before it releases its store lock, which
 * {@link #force} takes (waiting) for its first fsync. Space freed by a CLI's commits waits for this
 * process's next force (its own writes); the pin is let go when the store closes.
 *
 * <p>Measured on the bench machine: issuing 150 certificates a second for 60 s, the file stayed at 38-70 MB
 * (323 MB and growing before), 17 MB once closed; at full speed on one thread, 37,000 issuances in 40 s
 * left 524 MB (1.7 GB before). Issuance is not slower for it: the file no longer grows at every fsync.
 *
 * <p>Only an embedded H2 database this process opened can be compacted here; through another process's
 * AUTO_SERVER connection it is left to that process.
 */
final class H2Compaction {
  private static final System.Logger LOG = System.getLogger(H2Compaction.class.getName());

  /** Commits between two compactions. */
  static final int EVERY = 64;
  /** Chunks are rewritten while the live share of all chunks is below this (percent). */
  static final int TARGET_FILL = 80;
  /** Bytes of live pages rewritten by one compaction at most. */
  static final int WRITE_LIMIT = 4 << 20;
  /** H2's retention time for a store whose commits are all forced to the disk. */
  static final int FORCED_RETENTION_MS = 5_000;

  private final boolean forceToDisk;
  private final int retentionMs;
  private final AtomicInteger commits = new AtomicInteger();
  private final ReentrantLock compacting = new ReentrantLock();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /** The version pinned when the last completed force began, and its store (guarded by this). */
  private MVStore.TxCounter forcedPin;
  private MVStore pinnedStore;
  /**
   * The version pinned when this process last pointed the store header at the last chunk, the version of
   * that chunk, and the store (guarded by this): while it is held, no chunk written since can be overwritten,
   * which is what lets a later force leave the header where it is (see {@link #reachesLastChunk}).
   */
  private MVStore.TxCounter headerPin;
  private long headerPinChunk = -1;
  private MVStore headerPinStore;
  /** The version of the last chunk this process's forces put on the disk, and its store (guarded by this). */
  private long forcedChunk = -1;
  private MVStore forcedChunkStore;
  private final AtomicLong pointed = new AtomicLong();
  private final AtomicLong chained = new AtomicLong();

  /**
   * @param retentionMs H2's retention time to set on this process's database, or a negative number to
   *     leave H2's own
   */
  H2Compaction(boolean forceToDisk, int retentionMs) {
    this.forceToDisk = forceToDisk;
    this.retentionMs = retentionMs;
  }

  /** The retention time for a store that does or does not force its commits (negative: H2's own). */
  static int retentionMs(boolean forceToDisk) {
    return forceToDisk ? FORCED_RETENTION_MS : -1;
  }

  /**
   * Just opened and migrated: checks that this H2 lets the store header be written, makes {@value
   * #FORCE_ALIAS} (in the process holding the file), forces what opening wrote to the disk, and sets the
   * retention time.
   */
  void opened(Connection c) throws SQLException {
    checkHeaderWritable(c);
    if (mvStore(c) != null) {
      try (Statement s = c.createStatement()) {
        // Anew at every open, so that an alias left by another padlock version never points at a method
        // that is not there (CREATE ALIAS IF NOT EXISTS would keep it).
        s.execute("DROP ALIAS IF EXISTS " + FORCE_ALIAS);
        s.execute("CREATE ALIAS " + FORCE_ALIAS + " FOR '" + H2Forcing.class.getName() + ".force'");
      }
    }
    if (forceToDisk) {
      force(c);
    }
    MVStore store = mvStore(c);
    if (store != null && retentionMs >= 0) {
      store.setRetentionTime(retentionMs);
    }
  }

  /**
   * Counts a commit (already forced, if the store forces); every {@link #EVERY}th rewrites the sparsest
   * chunks, unless another thread is at it, and with a store that forces its commits, forces the rewrite to
   * the disk before returning. The commit stands whatever happens here: a compaction that fails is logged
   * and left for the next one.
   */
  void committed(Connection c) {
    if (commits.incrementAndGet() % EVERY != 0 || !compacting.tryLock()) {
      return;
    }
    try {
      MVStore store = mvStore(c);
      if (store == null) {
        return;
      }
      if (retentionMs >= 0) {
        store.setRetentionTime(retentionMs); // again: H2 opens the database anew if every connection closed
      }
      if (store.compact(TARGET_FILL, WRITE_LIMIT)) {
        compactions.incrementAndGet();
        if (forceToDisk) {
          force(c);
        }
      }
    } catch (SQLException | RuntimeException e) {
      failures.incrementAndGet();
      if (interrupted(e)) {
        Thread.currentThread().interrupt();
        Uninterrupted.holdBack(); // inside a store call: set again when it ends, not before H2's next I/O
      }
      LOG.log(System.Logger.Level.ERROR, "compacting the H2 database failed"
          + (stopped(c) ? "; H2 closed the database, the store fails until padlock restarts" : ""), e);
    } finally {
      compacting.unlock();
    }
  }

  /**
   * Writes what H2 holds to the file and forces it to the disk so that H2 finds it again after a crash or a
   * power failure, then lets H2 reuse the space freed by what is now on the disk, and no more.
   *
   * <p>First pins H2's current version. {@code MVStore.commit} then stores every change made so far
   * (waiting for a store another thread has in progress), as {@code CHECKPOINT} does. Holding H2's store
   * lock (no chunk can be written meanwhile), one fsync puts every chunk on the disk, and the store header
   * is written to point at the last of them; a second fsync puts the header on the disk. The header is left
   * as it is, and the second fsync saved, when H2's recovery finds the last chunk from it already, through
   * H2's predictions of where each next chunk goes ({@link #point}). Only then is the previous force's pin
   * let go. Through another process's database (no store here) it calls {@value #FORCE_ALIAS}, which runs
   * the same in that process, always pointing the header.
   *
   * <p>Why the header: a chunk written into reused space is found after a crash only through the store
   * header, and H2 2.5.252 writes the header, when it does, pointing at the chunk <em>before</em> the one
   * it is writing. With one fsync per commit, a commit whose chunk went into reused space was on the disk
   * but out of H2's sight: reopened after {@code kill -9} or a power cut, the database came back without the
   * last acknowledged commits (PowerLossTest: up to 34 of them; 1,405 of 1,500 snapshots taken after an
   * fsync reopened at an older version). The header must not be written before the chunk it points at is
   * on the disk (a header that lands without its chunk sends H2 to the end of the file), hence two fsyncs.
   */
  void force(Connection c) throws SQLException {
    MVStore store = mvStore(c);
    if (store == null) {
      forceRemote(c);
      return;
    }
    stillOpen(store); // a stopped store's version counter may be below zero: see running
    MVStore.TxCounter pin = store.registerVersionUsage();
    try {
      point(store, true, true);
    } catch (SQLException | RuntimeException e) {
      release(store, pin);
      throw e;
    }
    advance(store, pin);
  }

  /**
   * How many chunk versions past the one pinned when the header was last pointed a force may still leave the
   * header where it is ({@link #reachesLastChunk}): the pin also holds back dead chunks' space.
   */
  static final int CHAIN_LIMIT = 64;

  /**
   * The body of {@link #force} in this process: stores what H2 holds (if {@code storeFirst}) and forces it to
   * the disk; then points the store header at the last chunk and forces the header, unless {@code mayChain}
   * and H2's recovery would find that chunk from the header as it stands ({@link #reachesLastChunk}): then
   * the one fsync is enough, and the header write and the second fsync are saved.
   *
   * <p>Pointing the header also pins H2's current version, kept until the next time this process points it:
   * no chunk written since can be overwritten while the header may lead to later chunks through them.
   */
  private void point(MVStore store, boolean storeFirst, boolean mayChain) throws SQLException {
    stillOpen(store);
    long pinnedChunk;
    synchronized (this) {
      pinnedChunk = headerPinStore == store ? headerPinChunk : -1;
    }
    long[] chunks = {-1, -1}; // the last chunk forced; the chunk the header was pointed at (or -1)
    MVStore.TxCounter[] pin = {null};
    try {
      try {
        if (storeFirst) {
          store.commit();
        }
        FileStore<?> file = store.getFileStore();
        store.executeFilestoreOperation(() -> {
          file.sync();
          chunks[0] = file.lastChunkVersion();
          if (mayChain && pinnedChunk >= 0 && reachesLastChunk(file, pinnedChunk)) {
            return;
          }
          pin[0] = store.registerVersionUsage();
          chunks[1] = file.lastChunkVersion();
          writeStoreHeader(file);
        });
        if (pin[0] != null) {
          store.sync();
        }
      } catch (RuntimeException e) { // MVStoreException: a failed write or fsync (H2 then stops the store)
        throw new SQLException("H2 could not write or force the database: " + e.getMessage(), "90028", e);
      }
      stillOpen(store);
    } catch (SQLException e) {
      if (pin[0] != null) {
        release(store, pin[0]);
      }
      throw e;
    }
    MVStore.TxCounter previous = null;
    MVStore previousStore = null;
    synchronized (this) {
      if (forcedChunkStore != store || forcedChunk < chunks[0]) {
        forcedChunk = chunks[0];
        forcedChunkStore = store;
      }
      if (pin[0] != null) {
        previous = headerPin;
        previousStore = headerPinStore;
        headerPin = pin[0];
        headerPinChunk = chunks[1];
        headerPinStore = store;
      }
    }
    if (previous != null) {
      release(previousStore, previous);
    }
    (pin[0] != null ? pointed : chained).incrementAndGet();
  }

  /**
   * Whether H2 2.5.252's recovery after a crash ({@code RandomAccessStore.readStoreHeader}) finds the last
   * chunk from the store header as it stands, every chunk involved being on the disk: it starts at the chunk
   * the header names and follows each chunk's prediction of where the next one goes ({@code next}, the block
   * of the chunk with the next id), as long as each is where predicted and newer. H2 writes the next chunk
   * where it predicted whenever it can, and then writes no header; only when the prediction fails (or
   * every 20 chunks) does it write one, pointing at the chunk before.
   *
   * <p>What keeps the path valid until the header moves on: every chunk on it is at least as new as the
   * chunk that was last when {@link #headerPin} was taken (checked), so it dies, if it does, at a version the
   * pin holds, and H2 overwrites no chunk that died at a version still pinned ({@code
   * FileStore.canOverwriteChunk}); the header itself is only ever rewritten to point at a newer chunk. A path
   * is followed at most {@link #CHAIN_LIMIT} chunks past the pinned one: the pin also keeps dead chunks' space
   * from being reused.
   */
  private static boolean reachesLastChunk(FileStore<?> file, long pinnedChunk) {
    if (GET_CHUNKS == null || LAST_CHUNK == null) {
      return false;
    }
    Map<String, Object> header = file.getStoreHeader();
    long id = number(header.get("chunk"));
    long block = number(header.get("block"));
    Map<Integer, Chunk<?>> chunks;
    Chunk<?> last;
    try {
      @SuppressWarnings("unchecked")
      Map<Integer, Chunk<?>> all = (Map<Integer, Chunk<?>>) GET_CHUNKS.invoke(file);
      chunks = all;
      last = (Chunk<?>) LAST_CHUNK.get(file);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
    if (last == null || id < 0 || last.version - pinnedChunk > CHAIN_LIMIT) {
      return false;
    }
    Chunk<?> c = chunks.get((int) id);
    if (c == null || c.block != block || c.version < pinnedChunk) {
      return false;
    }
    while (c.id != last.id) {
      Chunk<?> n = chunks.get((c.id + 1) & Chunk.MAX_ID);
      if (n == null || c.next == 0 || n.block != c.next || n.version <= c.version || n.version > last.version) {
        return false;
      }
      c = n;
    }
    return c == last;
  }

  /** A number in H2's store header: a Number once H2 wrote it, a hex string as read from the file; -1 if neither. */
  private static long number(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String hex) {
      try {
        return Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** H2's protected {@code FileStore.getChunks()} and {@code FileStore.lastChunk}; null if this H2 lacks them. */
  private static final Method GET_CHUNKS = accessible(() -> FileStore.class.getDeclaredMethod("getChunks"));
  private static final Field LAST_CHUNK = accessible(() -> FileStore.class.getDeclaredField("lastChunk"));

  /** Finds a member of H2's by reflection. */
  private interface Lookup<T extends AccessibleObject> {
    T find() throws ReflectiveOperationException;
  }

  /** The member {@code lookup} finds, made accessible; null if this H2 lacks it or refuses access. */
  private static <T extends AccessibleObject> T accessible(Lookup<T> lookup) {
    try {
      T member = lookup.find();
      member.setAccessible(true);
      return member;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Stores what H2 holds, forces it, points the store header at it and forces that: what {@link #force} does
   * when it points the header, run for another process's session by {@link H2Forcing} ({@value
   * #FORCE_ALIAS}). It pins nothing: the header it writes names a chunk newer than any this process pinned.
   */
  static void forceAndPoint(MVStore store) throws SQLException {
    try {
      store.commit();
      FileStore<?> file = store.getFileStore();
      store.executeFilestoreOperation(() -> {
        file.sync();
        writeStoreHeader(file);
      });
      store.sync();
    } catch (RuntimeException e) { // MVStoreException: a failed write or fsync (H2 then stops the store)
      throw new SQLException("H2 could not write or force the database: " + e.getMessage(), "90028", e);
    }
    stillOpen(store);
  }

  /**
   * Before this process commits, in a store that forces: if a chunk was written since the store header last
   * pointed at one (another process's commit through AUTO_SERVER, whose force has not come yet), forces and
   * points the header at it first. Else H2, writing this commit's chunk into reused space, would write its
   * own header pointing at that chunk (one chunk late, see {@link #force}) before the chunk is on the disk;
   * a power cut that keeps the header and not the chunk sends H2's recovery past commits already
   * acknowledged (PowerLossTest). Runs under this process's writers' turns; a commit from another process in
   * the microseconds between this check and the commit is not covered. First, in any store, refuses a
   * store H2 has stopped ({@link #running}).
   */
  void beforeCommit(Connection c) throws SQLException {
    MVStore store = mvStore(c);
    if (store == null) {
      return;
    }
    stillOpen(store);
    if (!forceToDisk) {
      return;
    }
    long forced;
    synchronized (this) {
      forced = forcedChunkStore == store ? forcedChunk : -1;
    }
    FileStore<?> file = store.getFileStore();
    long[] last = {-1};
    try {
      store.executeFilestoreOperation(() -> last[0] = file.lastChunkVersion());
    } catch (RuntimeException e) {
      throw new SQLException("H2 could not read the database's state: " + e.getMessage(), "90028", e);
    }
    if (last[0] > forced) {
      point(store, false, false); // not storing: this transaction's own changes would be written, and with
                                  // them H2's late header pointing at the chunk not yet forced
    }
  }

  /**
   * Refuses ({@code SQLException} 90098, the store unavailable) once H2 has stopped the database after a
   * failed write or fsync: called before a transaction's first statement and before its commit, so that no
   * statement reaches a stopped store. Seen in PowerLossTest (2 of ~67 rounds of a killed process with
   * {@code store.durability=disk}): after H2 had stopped the store, the next statement found H2's usage
   * counter of the current version below zero, some path in H2 2.5.252 having let a version go once more
   * than it took it (not pinned down). {@code MVStore.registerVersionUsage} then throws an AssertionError
   * with {@code -ea} ("v=... / cnt=0"), and without it loops for good (read in its code: it retries until the
   * counter or the current version changes, and a stopped store's never does). In this process writers take
   * turns, so a write that fails and the statements after it do not overlap; a statement of a read, or of
   * another process, already running when a write fails is not covered.
   */
  void running(Connection c) throws SQLException {
    MVStore store = mvStore(c);
    if (store != null) {
      stillOpen(store);
    }
  }

  /** The SQL function, in each H2 database padlock opens, that forces it in the process holding the file. */
  static final String FORCE_ALIAS = "PADLOCK_FORCE";

  /**
   * Forces through another process's database (the CLI through AUTO_SERVER while {@code padlock serve} has
   * it): {@code CALL PADLOCK_FORCE()} runs {@link #forceAndPoint} in that process, so the commit gets its
   * store header too ({@code CHECKPOINT SYNC} alone left it out of H2's sight after a crash: lost in 19 of
   * 20 runs of a review's experiment). A database opened by an older padlock has no such function, and an
   * older padlock serving it has no class for it: then {@code CHECKPOINT SYNC}.
   */
  private static void forceRemote(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CALL " + FORCE_ALIAS + "()");
    } catch (SQLException e) {
      int code = e.getErrorCode();
      if (code != org.h2.api.ErrorCode.FUNCTION_NOT_FOUND_1 && code != org.h2.api.ErrorCode.CLASS_NOT_FOUND_1
          && code != org.h2.api.ErrorCode.PUBLIC_STATIC_JAVA_METHOD_NOT_FOUND_1) {
        throw e;
      }
      if (!warnedRemote.getAndSet(true)) {
        LOG.log(System.Logger.Level.WARNING, "the process serving the CA's database has no " + FORCE_ALIAS
            + " (an older padlock?): writes through it are forced to the disk, but H2 may not find the last "
            + "of them after a crash or kill -9 until that process writes; run the same padlock version");
      }
      sync(c);
    }
  }

  private static final AtomicBoolean warnedRemote = new AtomicBoolean();

  /**
   * For a store that does not force: points the store header at the last chunk written, without an fsync,
   * so that a killed process's commits are all found again (the operating system keeps what was written;
   * H2 finds a chunk written into reused space only through the header, see {@link #force}). Through
   * another process's database it calls {@value #FORCE_ALIAS}, which forces as well.
   */
  void written(Connection c) throws SQLException {
    MVStore store = mvStore(c);
    if (store == null) {
      forceRemote(c); // another process holds the file: it points the header (and forces: no cheaper call)
    } else {
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT"); // stores what another thread's commit may have left to the lock holder
      }
      FileStore<?> file = store.getFileStore();
      try {
        store.executeFilestoreOperation(() -> writeStoreHeader(file));
      } catch (RuntimeException e) { // MVStoreException: a failed write
        throw new SQLException("H2 could not write the database: " + e.getMessage(), "90028", e);
      }
    }
  }

  /** H2's private {@code RandomAccessStore.writeStoreHeader()}: 2.5.252 has no public way to write the header. */
  private static final Method WRITE_STORE_HEADER = // null: checked when a store opens
      accessible(() -> RandomAccessStore.class.getDeclaredMethod("writeStoreHeader"));

  /** Throws unless this H2 lets a store header be written (checked before anything is written). */
  static void checkHeaderWritable(Connection c) throws SQLException {
    MVStore store = mvStore(c);
    if (store != null && (WRITE_STORE_HEADER == null || !(store.getFileStore() instanceof RandomAccessStore))) {
      throw new SQLException("this H2 (" + org.h2.engine.Constants.FULL_VERSION + ") does not let padlock write its "
          + "store header, without which H2 may not find the last commits after a crash: use H2 2.5.252");
    }
  }

  private static void writeStoreHeader(FileStore<?> file) {
    try {
      WRITE_STORE_HEADER.invoke(file);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Throws unless {@code store} is still open after a force. When a write fails, H2 stops the store (a
   * "panic") and closes its file. An {@code MVStore.sync} that passed H2's check that the store is open
   * just before that finds the file closed and returns without error and without forcing anything
   * ({@code SingleFileStore.sync} skips a closed channel, in 2.5.252). (The fsync taken holding the store
   * lock cannot meet this: H2 closes the file holding that lock.) Read in H2's code, not seen: in this
   * process writers take turns, so the failing write would be another process's (a CLI through AUTO_SERVER).
   */
  private static void stillOpen(MVStore store) throws SQLException {
    if (store.getPanicException() != null || store.isClosed()) {
      Throwable cause = store.getPanicException();
      throw new SQLException("H2 stopped the database after a write failed"
          + (cause == null ? "" : " (" + cause.getMessage() + ")") + ": the last commits may not be on the disk",
          "90098", cause);
    }
  }

  /** Keeps {@code pin} as the forced one and lets the previous go; a pin older than the kept one just goes. */
  private synchronized void advance(MVStore store, MVStore.TxCounter pin) {
    if (forcedPin != null && pinnedStore == store && forcedPin.version > pin.version) {
      release(store, pin); // a force that began later has finished already
      return;
    }
    MVStore.TxCounter previous = forcedPin;
    MVStore previousStore = pinnedStore;
    forcedPin = pin;
    pinnedStore = store;
    if (previous != null) {
      release(previousStore, previous);
    }
  }

  private static void release(MVStore store, MVStore.TxCounter pin) {
    try {
      store.deregisterVersionUsage(pin);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "releasing a pinned H2 version failed (the database closed?)", e);
    }
  }

  /**
   * The store is closing: forces what is committed and lets the last pin go, so that H2's compaction as it
   * closes can give dead space back (with a pin held it could not, and H2 asserts none is). If the force
   * fails the pin stays: H2 then closes without giving space back, but reuses nothing it should not.
   */
  void closing(Connection c) throws SQLException {
    MVStore open = mvStore(c);
    if (open != null) {
      point(open, true, false); // the header at the last chunk: nothing relies on a path through others
    } else {
      sync(c);
    }
    MVStore.TxCounter pin;
    MVStore store;
    MVStore.TxCounter header;
    MVStore headerStore;
    synchronized (this) {
      pin = forcedPin;
      store = pinnedStore;
      forcedPin = null;
      pinnedStore = null;
      header = headerPin;
      headerStore = headerPinStore;
      headerPin = null;
      headerPinStore = null;
      headerPinChunk = -1;
    }
    if (pin != null) {
      release(store, pin);
    }
    if (header != null) {
      release(headerStore, header);
    }
  }

  /** The version pinned when this process last pointed the store header, or -1 (tests). */
  synchronized long headerPinnedVersion() {
    return headerPin == null ? -1 : headerPin.version;
  }

  /** The version pinned by the last completed force in this process, or -1 (tests). */
  synchronized long forcedVersion() {
    return forcedPin == null ? -1 : forcedPin.version;
  }

  /** Writes what H2 holds to the file and forces the file to the disk ({@code CHECKPOINT SYNC}: one fsync). */
  static void sync(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  /** Forces that pointed the store header at the last chunk (two fsyncs), since the store opened. */
  long pointed() {
    return pointed.get();
  }

  /** Forces that left the header where it was, H2 finding the last chunk from it (one fsync), since opening. */
  long chained() {
    return chained.get();
  }

  /** Compactions that rewrote something, since the store opened. */
  long compactions() {
    return compactions.get();
  }

  /** Compactions that failed, since the store opened. */
  long failures() {
    return failures.get();
  }

  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  private static boolean stopped(Connection c) {
    try {
      MVStore store = mvStore(c);
      return store == null || store.getPanicException() != null || store.isClosed();
    } catch (SQLException | RuntimeException e) {
      return true;
    }
  }

  /** The store under an embedded connection; null for a connection to another process's database. */
  static MVStore mvStore(Connection c) throws SQLException {
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
