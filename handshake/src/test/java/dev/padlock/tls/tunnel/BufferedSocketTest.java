package dev.padlock.tls.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The tunnel's buffered TLS side: what its input hands on, when its buffer grows, and its no-wait mode; what
 * its output's cork holds back and lets out.
 */
class BufferedSocketTest {
  private static final int RECORD = BufferedSocket.RECORD;

  @Test
  void aBulkSenderGrowsTheBufferToItsLimitAndEveryByteComesThroughInOrder() throws IOException {
    byte[] data = random(40 * RECORD);
    // A socket with everything already waiting: each read fills whatever buffer it is given.
    BufferedSocket.Input in = new BufferedSocket.Input(new ByteArrayInputStream(data));
    assertThat(in.capacity()).isEqualTo(BufferedSocket.READ_BUFFER);

    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    byte[] b = new byte[1000]; // odd reads: through whole and partly used buffers
    while (copy.size() < data.length) {
      copy.write(b, 0, in.read(b, 0, Math.min(b.length, data.length - copy.size())));
    }

    assertThat(copy.toByteArray()).isEqualTo(data);
    assertThat(in.capacity()).isEqualTo(BufferedSocket.MAX_READ_BUFFER);
    assertThat(in.read()).isEqualTo(-1); // the end: nothing was waiting, so the read gave the big buffer up
    assertThat(in.capacity()).isEqualTo(BufferedSocket.READ_BUFFER);
  }

  @Test
  void aSenderThatNeverFillsTheBufferLeavesItSmall() throws IOException {
    byte[] data = random(20 * RECORD);
    // At most one record per read, as from a peer sending a record at a time.
    InputStream trickle = new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, RECORD));
      }
    };
    BufferedSocket.Input in = new BufferedSocket.Input(trickle);

    assertThat(drain(in, 4096)).isEqualTo(data);
    assertThat(in.capacity()).isEqualTo(BufferedSocket.READ_BUFFER);
  }

  @Test
  void aConnectionThatGoesQuietAfterABurstGoesBackToTheSmallBuffer() throws IOException {
    byte[] burst = random(40 * RECORD);
    byte[] later = "a later, small message".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    // A socket with the burst waiting, then nothing (available() 0) until the small message comes.
    InputStream socket = new InputStream() {
      private final java.util.ArrayDeque<ByteArrayInputStream> arrivals =
          new java.util.ArrayDeque<>(java.util.List.of(new ByteArrayInputStream(burst), new ByteArrayInputStream(later)));

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        while (!arrivals.isEmpty() && arrivals.peek().available() == 0) {
          arrivals.poll(); // the wait for the next arrival
        }
        return arrivals.isEmpty() ? -1 : arrivals.peek().read(b, off, len);
      }

      @Override
      public int available() {
        return arrivals.isEmpty() ? 0 : arrivals.peek().available();
      }
    };
    BufferedSocket.Input in = new BufferedSocket.Input(socket);

    byte[] first = in.readNBytes(burst.length);
    assertThat(first).isEqualTo(burst);
    assertThat(in.capacity()).isEqualTo(BufferedSocket.MAX_READ_BUFFER);
    assertThat(in.quiet()).isTrue();

    assertThat(drain(in, 1000)).isEqualTo(later);
    assertThat(in.capacity()).isEqualTo(BufferedSocket.READ_BUFFER);
  }

  @Test
  void inNoWaitModeAnEmptyBufferThrowsInsteadOfReading() throws IOException {
    BufferedSocket.Input in = new BufferedSocket.Input(new ByteArrayInputStream(new byte[] {23, 3, 3, 0, 2, 7, 8}));
    assertThat(in.read()).isEqualTo(23);
    assertThat(in.available()).isEqualTo(6);
    in.noWait(true);
    assertThat(in.read(new byte[16], 0, 16)).isEqualTo(6);
    assertThatThrownBy(in::read).isInstanceOf(BufferedSocket.WouldBlock.class);
    in.noWait(false);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void aWholeRecordIsRecognisedByTheLengthInItsHeader() throws IOException {
    byte[] first = {23, 3, 3, 0, 3, 1, 2, 3}; // application_data, 0x0303, length 3, then the 3 bytes
    BufferedSocket.Input whole = new BufferedSocket.Input(new ByteArrayInputStream(
        concat(first, new byte[] {23, 3, 3, 0, 2, 9, 9})));
    BufferedSocket.Input partial = new BufferedSocket.Input(new ByteArrayInputStream(
        concat(first, new byte[] {23, 3, 3, 0, 5, 9, 9})));
    for (BufferedSocket.Input in : new BufferedSocket.Input[] {whole, partial}) {
      assertThat(in.holdsWholeRecord()).isFalse(); // nothing read from the socket yet
      assertThat(in.read(new byte[first.length], 0, first.length)).isEqualTo(first.length);
    }
    assertThat(whole.holdsWholeRecord()).isTrue();
    assertThat(partial.holdsWholeRecord()).isFalse(); // 2 of its 5 bytes are here
  }

  /** A TLS 1.3 AES-GCM record with 2^14 bytes of data: header 5, data, content type 1, tag 16. */
  private static final int TLS13_RECORD = 5 + 16_384 + 1 + 16;

  /** The cork tests' socket and the output over it (JUnit makes a new test instance, so new ones, per test). */
  private final RecordingSocket socket = new RecordingSocket();
  private final BufferedSocket.Output out = new BufferedSocket.Output(socket);

  @Test
  void corkedRecordsLeaveInOneSocketWriteAndTheirFlushesWaitForTheUncork() throws IOException {
    byte[] data = random(4 * TLS13_RECORD);

    out.cork(true);
    recordsWithFlushes(out, data);
    assertThat(socket.writes).isZero();
    assertThat(socket.flushes).isZero();
    assertThat(out.held()).isEqualTo(data.length);

    out.cork(false);
    assertThat(socket.writes).isEqualTo(1);
    assertThat(socket.flushes).isEqualTo(1);
    assertThat(out.held()).isZero();
    assertThat(socket.bytes.toByteArray()).isEqualTo(data);
  }

  @Test
  void aFullCorkWritesOutAndEveryByteComesThroughInOrder() throws IOException {
    byte[] data = random(10 * TLS13_RECORD + 3 * BufferedSocket.Output.CORK_BUFFER + 7);

    out.cork(true);
    int off = 0;
    for (int len : new int[] {TLS13_RECORD, 1, 3 * BufferedSocket.Output.CORK_BUFFER, 6}) { // one bigger than the cork
      out.write(data, off, len);
      off += len;
    }
    while (off < data.length) {
      int len = Math.min(TLS13_RECORD, data.length - off);
      out.write(data, off, len);
      off += len;
    }
    assertThat(socket.flushes).isZero();
    out.cork(false);

    assertThat(socket.bytes.toByteArray()).isEqualTo(data);
    // what was held before the oversized write, that write itself (straight through), then 4 + 4 + 1 records
    assertThat(socket.writes).isEqualTo(5);
    assertThat(socket.largest).isEqualTo(3 * BufferedSocket.Output.CORK_BUFFER);
  }

  @Test
  void aWriteFromAnotherThreadWhileCorkedLetsOutWhatTheCorkHeldFirst() throws Exception {
    out.cork(true);
    out.write(new byte[] {1, 2, 3}, 0, 3);
    out.flush();
    assertThat(out.held()).isEqualTo(3);

    // As a TLS implementation answers a close_notify from its reading thread, then closes the socket.
    Thread reader = new Thread(() -> {
      try {
        out.write(new byte[] {9}, 0, 1);
        out.flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    reader.start();
    reader.join();
    assertThat(socket.bytes.toByteArray()).containsExactly(1, 2, 3, 9); // in the order written, none held back
    assertThat(socket.flushes).isEqualTo(1);
    assertThat(out.held()).isZero();

    out.write(new byte[] {4}, 0, 1); // the corking thread's writes are held again
    assertThat(out.held()).isEqualTo(1);
    out.cork(false);
    assertThat(socket.bytes.toByteArray()).containsExactly(1, 2, 3, 9, 4);
  }

  @Test
  void uncorkedWritesAndFlushesGoStraightToTheSocket() throws IOException {

    out.write(new byte[] {1, 2, 3}, 0, 3);
    assertThat(socket.writes).isEqualTo(1);
    out.write(4);
    out.flush();

    assertThat(socket.writes).isEqualTo(2);
    assertThat(socket.flushes).isEqualTo(1);
    assertThat(socket.bytes.toByteArray()).containsExactly(1, 2, 3, 4);
    out.cork(true);
    out.cork(false); // nothing held: nothing written
    assertThat(socket.writes).isEqualTo(2);
  }

  @Test
  void inBulkModeTheRecordsOfA512KiBWriteLeaveTogetherAndLeavingItFreesTheBigBuffer() throws IOException {
    byte[] data = random(32 * TLS13_RECORD);

    out.bulk(true);
    corkedRecords(out, data);
    assertThat(socket.writes).isEqualTo(1);
    assertThat(out.capacity()).isEqualTo(BufferedSocket.Output.MAX_CORK_BUFFER);

    out.bulk(false);
    assertThat(out.capacity()).isZero(); // the buffer is let go at once: the connection went quiet
    corkedRecords(out, data);
    assertThat(socket.writes).isEqualTo(1 + 8); // four records at a time
    assertThat(out.capacity()).isEqualTo(BufferedSocket.Output.CORK_BUFFER);
    assertThat(socket.bytes.toByteArray()).isEqualTo(concat(data, data));
  }

  @Test
  void corkedWholeNothingLeavesUntilUncorkedAndALittleWriteHoldsALittleBuffer() throws IOException {
    // Records smaller than usual (max_fragment_length 2^9: 534 bytes in TLS 1.3): more of them than the cork
    // was sized for. Corked whole, none leaves before the uncork (the writer may hold a lock meanwhile).
    byte[] data = random(200 * 534);
    out.corkWhole();
    for (int off = 0; off < data.length; off += 534) {
      out.write(data, off, 534);
    }
    assertThat(socket.writes).isZero();
    assertThat(out.capacity()).isGreaterThanOrEqualTo(data.length);
    out.cork(false);
    assertThat(socket.writes).isEqualTo(1);
    assertThat(socket.bytes.toByteArray()).isEqualTo(data);
    assertThat(out.capacity()).isZero(); // grown past the cork's size: let go

    byte[] little = random(300); // a connection that writes little holds little
    out.corkWhole();
    out.write(little, 0, little.length);
    out.cork(false);
    assertThat(out.capacity()).isLessThanOrEqualTo(4096);
    assertThat(socket.bytes.toByteArray()).isEqualTo(concat(data, little));
  }

  @Test
  void withALockTheInputHandsBytesOnOnlyHoldingItAndNeverWaitsHoldingIt() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> lockFreeWhileWaiting = new CompletableFuture<>();
    InputStream socket = new InputStream() {
      private int reads;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (reads++ == 1) { // the second read waits for the network: is the lock free meanwhile?
          waiting.countDown();
          lockFreeWhileWaiting.complete(!lock.isLocked());
        }
        b[off] = 42;
        return 1;
      }
    };
    BufferedSocket.Input in = new BufferedSocket.Input(socket);
    in.lockWhileProcessing(lock);

    assertThat(in.read()).isEqualTo(42);
    assertThat(lock.isHeldByCurrentThread()).isTrue(); // handed on holding it
    in.noWait(true);
    assertThatThrownBy(in::read).isInstanceOf(BufferedSocket.WouldBlock.class);
    assertThat(lock.isHeldByCurrentThread()).isTrue(); // a batch in no-wait mode keeps it
    in.noWait(false);
    assertThat(in.read()).isEqualTo(42); // this one waits for the network
    assertThat(waiting.getCount()).isZero();
    assertThat(lockFreeWhileWaiting.get()).isTrue();
    assertThat(lock.getHoldCount()).isEqualTo(1);
    in.release();
    assertThat(lock.isLocked()).isFalse();
  }

  private static void corkedRecords(BufferedSocket.Output out, byte[] data) throws IOException {
    out.cork(true);
    recordsWithFlushes(out, data);
    out.cork(false);
  }

  /** Writes {@code data} as a TLS implementation writes a large write: a record, a flush, the next record... */
  private static void recordsWithFlushes(BufferedSocket.Output out, byte[] data) throws IOException {
    for (int off = 0; off < data.length; off += TLS13_RECORD) {
      out.write(data, off, TLS13_RECORD);
      out.flush();
    }
  }

  /** Counts the writes and flushes it gets. */
  private static final class RecordingSocket extends java.io.OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int writes;
    int flushes;
    int largest;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes++;
      largest = Math.max(largest, len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] drain(InputStream in, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[chunk];
    for (int n; (n = in.read(b)) >= 0; ) {
      out.write(b, 0, n);
    }
    return out.toByteArray();
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }
}
