package dev.padlock.tls.trace;

import dev.padlock.tls.trace.HandshakeTrace.Direction;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Wraps a socket's streams and reports each complete TLS record (RFC 8446 section 5.1: content
 * type, legacy version, 16-bit length, fragment) that crosses them, with its direction. Only the
 * 5-byte record header is read here; the bytes pass through unchanged.
 */
final class WireTap {
  private WireTap() {}

  static InputStream input(InputStream in, Recording recording) {
    RecordFramer framer = new RecordFramer(Direction.SERVER_TO_CLIENT, recording);
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          framer.accept(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          framer.accept(buf, off, n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on a traced stream");
      }
    };
  }

  static OutputStream output(OutputStream out, Recording recording) {
    RecordFramer framer = new RecordFramer(Direction.CLIENT_TO_SERVER, recording);
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        framer.accept(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        framer.accept(buf, off, len);
      }
    };
  }

  /** Splits a byte stream into TLS records. */
  private static final class RecordFramer {
    private final Direction direction;
    private final Recording recording;
    private final byte[] header = new byte[5];
    private int headerFilled;
    private int fragmentLeft = -1;
    private boolean gaveUp;

    RecordFramer(Direction direction, Recording recording) {
      this.direction = direction;
      this.recording = recording;
    }

    void accept(byte[] buf, int off, int len) {
      int pos = off;
      int end = off + len;
      while (!gaveUp) {
        if (fragmentLeft < 0) {
          int take = Math.min(5 - headerFilled, end - pos);
          System.arraycopy(buf, pos, header, headerFilled, take);
          headerFilled += take;
          pos += take;
          if (headerFilled < 5) {
            return;
          }
          int type = header[0] & 0xff;
          if (type < 20 || type > 24 || header[1] != 3) {
            // Not a TLS record (e.g. an HTTP or SSH server): keep what we saw for the diagnosis.
            gaveUp = true;
            recording.notTls(header);
            return;
          }
          fragmentLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        }
        int take = Math.min(fragmentLeft, end - pos);
        pos += take;
        fragmentLeft -= take;
        if (fragmentLeft > 0) {
          return;
        }
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        recording.wireRecord(direction, (short) (header[0] & 0xff), length);
        fragmentLeft = -1;
        headerFilled = 0;
        if (pos == end) {
          return;
        }
      }
    }
  }
}
