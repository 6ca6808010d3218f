package dev.padlock.tls.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tunnel's buffered TLS-side input: what it hands on, when its buffer grows, and its no-wait mode. */
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
