package dev.padlock.tls.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireTapTest {
  /** Three records: handshake (4 bytes), change_cipher_spec (1 byte), application_data (0 bytes). */
  private static final byte[] RECORDS = {
      22, 3, 3, 0, 4, 14, 0, 0, 0,
      20, 3, 3, 0, 1, 1,
      23, 3, 3, 0, 0,
  };

  @Test
  void recordsAreFramedWhateverTheReadSizes() throws IOException {
    for (int chunk = 1; chunk <= RECORDS.length; chunk++) {
      Recording r = new Recording(new TickingClock(Instant.EPOCH));
      InputStream in = WireTap.input(new ByteArrayInputStream(RECORDS), r);
      byte[] buf = new byte[chunk];
      byte[] passed = new byte[RECORDS.length];
      int total = 0;
      for (int n; (n = in.read(buf, 0, chunk)) > 0; ) {
        System.arraycopy(buf, 0, passed, total, n);
        total += n;
      }
      assertThat(passed).as("bytes pass through unchanged").isEqualTo(RECORDS);
      assertThat(r.wireCount()).as("chunk %d", chunk).isEqualTo(3);
      assertThat(r.lastWire(Direction.SERVER_TO_CLIENT, 0).contentType).isEqualTo((short) 23);
      assertThat(r.lastWire(Direction.SERVER_TO_CLIENT, 0).fragmentLength).isZero();
    }
  }

  @Test
  void singleByteReadsAndWritesAreFramedToo() throws IOException {
    Recording r = new Recording(new TickingClock(Instant.EPOCH));
    InputStream in = WireTap.input(new ByteArrayInputStream(RECORDS), r);
    while (in.read() >= 0) {
      // read it all, one byte at a time
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = WireTap.output(sink, r);
    for (byte b : RECORDS) {
      out.write(b);
    }
    out.write(RECORDS, 0, RECORDS.length);

    assertThat(sink.toByteArray()).hasSize(2 * RECORDS.length);
    assertThat(r.wireCount()).isEqualTo(9);
    assertThat(r.lastWire(Direction.CLIENT_TO_SERVER, 0).index).isEqualTo(8);
    assertThat(r.lastWire(Direction.SERVER_TO_CLIENT, 0).index).isEqualTo(2);
  }

  @Test
  void bytesThatAreNotTlsAreKeptForTheDiagnosis() throws IOException {
    Recording r = new Recording(new TickingClock(Instant.EPOCH));
    InputStream in = WireTap.input(new ByteArrayInputStream("SSH-2.0-OpenSSH_9.2\r\n".getBytes()), r);
    in.readAllBytes();

    assertThat(r.wireCount()).isZero();
    assertThat(new String(r.firstBytesIfNotTls())).isEqualTo("SSH-2");
  }

  @Test
  void aRecordGetsTheClockTimeAtItsLastByte() throws IOException {
    Recording r = new Recording(new TickingClock(Instant.EPOCH)); // start: the clock's first read
    InputStream in = WireTap.input(new ByteArrayInputStream(RECORDS), r);
    in.readAllBytes();
    r.plaintext(Direction.SERVER_TO_CLIENT, (short) 21, new byte[] {1, 0}, null, null);

    // The records were stamped by the second, third and fourth reads of the clock.
    assertThat(r.lastWire(Direction.SERVER_TO_CLIENT, 0).at).isEqualTo(Instant.ofEpochMilli(3));
    Step alert = r.steps(false).stream().filter(s -> s.message().equals("Alert")).findFirst()
        .orElseThrow();
    assertThat(alert.recordIndex()).isEqualTo(-1);
  }
}
