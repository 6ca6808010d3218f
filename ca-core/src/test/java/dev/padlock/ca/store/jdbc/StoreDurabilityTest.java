package dev.padlock.ca.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.padlock.ca.Fingerprints;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.StoredCrl;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.api.ErrorCode;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store.durability}: with {@code disk} every issuance, revocation and audit entry has been forced to
 * the disk (fsync) when the call returns; with {@code os} the store leaves that to H2. Observed through an H2
 * file system that counts the forces of the database file under it.
 */
class StoreDurabilityTest {
  private static final ForceCounting FS = new ForceCounting();
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final int N = 20;

  @TempDir Path tmp;
  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void register() {
    FilePath.register(FS);
  }

  @AfterAll
  static void unregister() {
    FilePath.unregister(FS);
  }

  private CertificateStore open(String name, boolean forceToDisk) {
    return JdbcStores.open("jdbc:h2:forcecount:" + tmp.resolve(name).toAbsolutePath() + ";WRITE_DELAY=0",
        "padlock", "", 2, forceToDisk);
  }

  private CertificateRecord record() {
    byte[] der = new byte[300];
    random.nextBytes(der);
    return new CertificateRecord(SerialNumber.random(random), "CN=d", "d", List.of("dns:d.test"), "server",
        "ec-p256", NOW.minusSeconds(60), NOW.plusSeconds(86_400), NOW, Fingerprints.sha256(der), der, "test",
        Optional.empty());
  }

  private static AuditEvent event(String action, CertificateRecord r) {
    return new AuditEvent(NOW, action, r.serial().hex(), "test", "");
  }

  @Test
  void aCallerWithAPendingInterruptNeitherStopsTheDatabaseNorLosesTheInterrupt() {
    // H2 writes on the calling thread through an interruptible FileChannel: one write on an interrupted thread
    // closed the channel, and H2 stopped the database for the whole process ("The database has been closed"
    // for every statement after it). The store holds the interrupt back while it writes, then sets it again.
    CertificateRecord first = record();
    CertificateRecord second = record();
    try (CertificateStore store = JdbcStores.openH2(tmp.resolve("interrupted"), 2)) {
      try {
        Thread.currentThread().interrupt();
        store.recordIssued(first, event("issue", first)); // the group commit's write
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        store.revoke(first.serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", first)); // a transaction
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(store.saveCrl(new StoredCrl(BigInteger.ONE, NOW, NOW.plusSeconds(86_400), new byte[4096])))
            .isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      store.recordIssued(second, event("issue", second)); // the database still takes writes
      assertThat(store.find(first.serial()).orElseThrow().revocation()).isPresent();
      assertThat(store.find(second.serial())).isPresent();
    }
  }

  @Test
  void aStoreOpenedAndClosedByAnInterruptedThreadWorksAndKeepsItsCommits() {
    // Opening reads and writes the file too (H2's recovery, Flyway, the first force), and closing forces.
    CertificateRecord r = record();
    Path dir = tmp.resolve("opened-interrupted");
    try {
      Thread.currentThread().interrupt();
      try (CertificateStore store = JdbcStores.openH2(dir, 2)) {
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        store.recordIssued(r, event("issue", r));
      }
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    try (CertificateStore store = JdbcStores.openH2(dir, 2)) {
      assertThat(store.find(r.serial())).isPresent();
    }
  }

  @Test
  void aWriterInterruptedWhileItWaitsForItsTurnNeitherStopsTheDatabaseNorLosesTheInterrupt() throws Exception {
    // Jetty, stopping, interrupts request threads; one may be waiting for the writers' turn (the audit log's
    // lock) at the time. It got its turn with the flag set, and its first write stopped H2 for the process.
    CertificateRecord first = record();
    CertificateRecord waiting = record();
    CertificateRecord later = record();
    try (CertificateStore store = JdbcStores.openH2(tmp.resolve("interrupted-waiting"), 2)) {
      store.recordIssued(first, event("issue", first));
      AuditLog turn = ((JdbcCertificateStore) store).auditLog();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean interruptedAfter = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        try {
          store.recordIssued(waiting, event("issue", waiting));
        } catch (RuntimeException | Error e) {
          thrown.set(e);
        }
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      });
      turn.lock();
      try {
        writer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!turn.waiting(writer)) { // not a sleep: it waits for the lock as soon as its thread runs
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.onSpinWait();
        }
        writer.interrupt();
      } finally {
        turn.unlock();
      }
      writer.join(10_000);
      assertThat(writer.isAlive()).isFalse();
      assertThat(thrown.get()).isNull();
      assertThat(interruptedAfter.get()).isTrue();
      store.recordIssued(later, event("issue", later)); // the database still takes writes
      assertThat(store.find(waiting.serial())).isPresent();
      assertThat(store.find(later.serial())).isPresent();
    }
  }

  @Test
  void aCallerInterruptedWhileItWaitsForAConnectionWaitsOnAndKeepsTheInterrupt() throws Exception {
    // The pool's two connections, held by two readers that the test holds in their sinks. Hikari gives up a
    // wait when the thread is interrupted ("Interrupted during connection acquisition"): the revocation
    // failed then, for an interrupt that could not harm it.
    CertificateRecord r = record();
    CountDownLatch reading = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    try (CertificateStore store = JdbcStores.open(JdbcStores.h2Url(tmp.resolve("two-connections")), "padlock", "",
        2, true)) {
      store.recordIssued(r, event("issue", r));
      Runnable read = () -> store.forEachAudit(e -> {
        reading.countDown();
        try {
          release.await();
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
      });
      Thread[] readers = {new Thread(read), new Thread(read)};
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean interruptedAfter = new AtomicBoolean();
      Thread revoker = new Thread(() -> {
        try {
          store.revoke(r.serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", r));
        } catch (RuntimeException | Error e) {
          thrown.set(e);
        }
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      });
      HikariPoolMXBean pool = ((HikariDataSource) ((JdbcCertificateStore) store).dataSource()).getHikariPoolMXBean();
      try {
        for (Thread t : readers) {
          t.start();
        }
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        revoker.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.getThreadsAwaitingConnection() < 1) { // not a sleep: it waits as soon as its thread runs
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.onSpinWait();
        }
        revoker.interrupt(); // it waits in Hikari: the wait ends at once
      } finally {
        release.countDown();
      }
      for (Thread t : readers) {
        t.join(10_000);
      }
      revoker.join(10_000);
      assertThat(revoker.isAlive()).isFalse();
      assertThat(thrown.get()).isNull();
      assertThat(interruptedAfter.get()).isTrue();
      assertThat(store.find(r.serial()).orElseThrow().revocation()).isPresent();
    }
  }

  @Test
  void aDatabaseThatLostATableIsRefusedAtOpenAndLeftAsItIs() throws Exception {
    // What H2 does when it opens a file a torn write damaged: it drops a table it cannot read (PowerLossTest),
    // and the schema history still says every migration ran. Each table in turn.
    for (String table : JdbcStores.TABLES) {
      String url = "jdbc:h2:file:" + tmp.resolve("lost-" + table).resolve("padlock").toAbsolutePath();
      try (CertificateStore store = JdbcStores.open(url, "padlock", "", 2, true)) {
        CertificateRecord r = record();
        store.recordIssued(r, event("issue", r));
      }
      try (Connection c = DriverManager.getConnection(url, "padlock", "");
           Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + table + " CASCADE");
      }
      assertThatThrownBy(() -> JdbcStores.open(url, "padlock", "", 2, true))
          .isInstanceOf(dev.padlock.ca.PadlockException.class)
          .hasMessageContaining("has no table " + table + ", or cannot read it")
          .hasMessageContaining("restore the CA directory from a backup")
          .extracting(e -> ((dev.padlock.ca.PadlockException) e).code())
          .isEqualTo(dev.padlock.ca.ErrorCode.STORE_UNAVAILABLE);
      try (Connection c = DriverManager.getConnection(url, "padlock", "");
           Statement s = c.createStatement();
           java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
               + "WHERE table_schema = 'PUBLIC' AND LOWER(table_name) = '" + table + "'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("%s recreated by the refused open", table).isZero();
      }
    }
  }

  @Test
  void diskForcesEveryIssuanceRevocationAuditEntryAndCrlBeforeReturning() {
    try (CertificateStore store = open("disk", true)) {
      int before = ForceCounting.forces.get();
      for (int i = 0; i < N; i++) {
        CertificateRecord r = record();
        store.recordIssued(r, event("issue", r));
      }
      int afterIssue = ForceCounting.forces.get();
      assertThat(afterIssue - before).isGreaterThanOrEqualTo(N);

      CertificateRecord r = record();
      store.recordIssued(r, event("issue", r));
      int beforeRevoke = ForceCounting.forces.get();
      store.revoke(r.serial(), RevocationReason.KEY_COMPROMISE, NOW, event("revoke", r));
      assertThat(ForceCounting.forces.get()).isGreaterThan(beforeRevoke);

      int beforeAudit = ForceCounting.forces.get();
      store.appendAudit(new AuditEvent(NOW, "crl", "-", "test", ""));
      assertThat(ForceCounting.forces.get()).isGreaterThan(beforeAudit);

      int beforeCrl = ForceCounting.forces.get();
      assertThat(store.saveCrl(new StoredCrl(BigInteger.ONE, NOW, NOW.plusSeconds(86_400), new byte[4096]))).isTrue();
      assertThat(ForceCounting.forces.get()).isGreaterThan(beforeCrl);
    }
  }

  @Test
  void diskForcesARollbackToo() {
    // H2 writes a chunk when a transaction rolls back; left unforced, the next commit could reuse space that
    // chunk freed before the chunk itself reached the disk.
    try (CertificateStore store = open("rollback", true)) {
      CertificateRecord r = record();
      store.recordIssued(r, event("issue", r));
      int before = ForceCounting.forces.get();
      assertThatThrownBy(() -> store.recordIssued(r, event("issue", r)))
          .isInstanceOf(CertificateStore.DuplicateSerialException.class); // rolled back, nothing committed
      assertThat(ForceCounting.forces.get()).isGreaterThan(before);
    }
  }

  @Test
  void osLeavesTheForcingToH2() {
    try (CertificateStore store = open("os", false)) {
      int before = ForceCounting.forces.get();
      for (int i = 0; i < N; i++) {
        CertificateRecord r = record();
        store.recordIssued(r, event("issue", r));
      }
      // H2 forces now and then on its own (a new file header): far fewer than one per commit.
      assertThat(ForceCounting.forces.get() - before).isLessThan(N / 2);
      assertThat(store.find(record().serial())).isEmpty(); // and the store still works as one
    }
  }

  @Test
  void padlockForceForcesTwiceAndIsForTheAdminOnly() throws Exception {
    // PADLOCK_FORCE() is what a CLI writing through padlock serve's database calls: the commit's fsync and
    // the store header's. Like CHECKPOINT, it is refused to a user who is not the database's admin.
    String bare = "jdbc:h2:forcecount:" + tmp.resolve("alias").toAbsolutePath();
    String url = bare + ";WRITE_DELAY=0";
    try (CertificateStore store = JdbcStores.open(url, "padlock", "", 2, true);
         Connection admin = DriverManager.getConnection(url, "padlock", "");
         Statement s = admin.createStatement()) {
      CertificateRecord r = record();
      store.recordIssued(r, event("issue", r));
      int before = ForceCounting.forces.get();
      s.execute("CALL PADLOCK_FORCE()");
      assertThat(ForceCounting.forces.get() - before).isGreaterThanOrEqualTo(2);

      s.execute("CREATE USER reader PASSWORD 'reader'");
      s.execute("GRANT SELECT ON certificates TO reader");
      try (Connection reader = DriverManager.getConnection(bare, "reader", "reader"); // a setting needs admin
           Statement rs = reader.createStatement()) {
        assertThatThrownBy(() -> rs.execute("CALL PADLOCK_FORCE()"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(ErrorCode.ADMIN_RIGHTS_REQUIRED));
      }
    }
  }

  /** "forcecount:" + a path: H2's default file system, counting {@link FileChannel#force} calls. */
  public static final class ForceCounting extends FilePathWrapper {
    /** Static: H2 makes a new instance of the file system for every path. */
    static final AtomicInteger forces = new AtomicInteger();

    public ForceCounting() {}

    @Override
    public String getScheme() {
      return "forcecount";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
      FileChannel base = getBase().open(mode);
      return new FileBase() {
        @Override
        public int read(ByteBuffer dst) throws IOException {
          return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
          return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
          return base.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
          return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
          return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
          base.position(newPosition);
          return this;
        }

        @Override
        public long size() throws IOException {
          return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
          base.truncate(size);
          return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
          forces.incrementAndGet();
          base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
          return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
          base.close();
        }
      };
    }
  }
}
