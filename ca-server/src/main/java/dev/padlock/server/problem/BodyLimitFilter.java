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

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getLength() > limit) {
      throw tooLarge(limit);
    }
    request.setEntityStream(new Limited(request.getEntityStream(), limit));
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
