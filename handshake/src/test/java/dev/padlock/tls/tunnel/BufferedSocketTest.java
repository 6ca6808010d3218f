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

    byte[] copy = drain(in, 1000);

    assertThat(copy).isEqualTo(data);
    assertThat(in.capacity()).isEqualTo(BufferedSocket.MAX_READ_BUFFER);
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
