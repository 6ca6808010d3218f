package dev.padlock.server.problem;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies above the limit with 413: at once when Content-Length says so, else as soon as
 * the body read passes the limit (chunked uploads). Nothing past the limit is buffered.
 */
@PreMatching
@Priority(Priorities.ENTITY_CODER)
public final class BodyLimitFilter implements ContainerRequestFilter {
  private final int limit;

  public BodyLimitFilter(int limit) {
    this.limit = limit;
  }

  /**
   * A declared body up to this size is read and discarded before the 413 goes out. A server that answers
   * without reading closes a connection with unread bytes, and the TCP reset that follows can reach the
   * client before the response does: it then sees a dropped connection instead of the 413. Larger bodies
   * are not read: the connection is closed on them.
   */
  static final long DRAIN_MAX = 1 << 20;

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getLength() > limit) {
      if (request.getLength() <= DRAIN_MAX) {
        drain(request.getEntityStream(), request.getLength());
      }
      throw tooLarge(limit);
    }
    request.setEntityStream(new Limited(request.getEntityStream(), limit));
  }

  private static void drain(InputStream in, long length) {
    byte[] buf = new byte[8192];
    try {
      for (long left = length; left > 0; ) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      // the client went away: the 413 is still the answer, if anyone is there to read it
    }
  }

  static PadlockException tooLarge(int limit) {
    return new PadlockException(ErrorCode.BODY_TOO_LARGE, "the request body is larger than " + limit + " bytes");
  }

  private static final class Limited extends FilterInputStream {
    private final int limit;
    private long read;

    Limited(InputStream in, int limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw tooLarge(limit);
      }
    }
  }
}
