package dev.padlock.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The load generator for the HTTP figures: HTTP/1.1 over raw sockets with keep-alive, one connection per
 * client thread, each request's bytes built before anything is timed. Per request it writes one buffer
 * and reads the status line, the headers and the body (Content-Length or chunked): no HTTP library, no
 * per-request objects beyond the body, so its own CPU cost is a small share of a 2-core machine (its
 * ceiling against a trivial endpoint is measured and reported next to the figures it drives). When a
 * server answers {@code Connection: close} or closes, the next request opens a new connection.
 */
final class HttpLoad implements AutoCloseable {
  /** One HTTP response: status and body. */
  record Response(int status, byte[] body) {}

  private final int port;
  private final SSLContext tls;
  private final List<Conn> conns = new ArrayList<>();
  private final List<Conn> fixed = new ArrayList<>();

  /**
   * @param tls null for plain HTTP; else the client context (trusting the server)
   */
  HttpLoad(int port, SSLContext tls) {
    this.port = port;
    this.tls = tls;
  }

  /**
   * Work for the harness: {@code threads} threads, each on its own keep-alive connection, sending the
   * requests {@code next} hands out (called from the client threads) and failing on any status but 200.
   */
  Harness.Workload workload(String name, int threads, IntFunction<byte[]> next) {
    return new Harness.Workload(name, threads, t -> {
      Conn c = newConn();
      int[] n = {t};
      return () -> {
        Response r = c.exchange(next.apply(n[0]++));
        if (r.status() != 200) {
          throw new IllegalStateException(name + ": HTTP " + r.status() + ": "
              + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
        }
        return r;
      };
    });
  }

  /**
   * One timed window outside {@link Harness}: {@code threads} keep-alive connections (kept from window to
   * window) each send what {@code next} hands out until the window ends or {@code next} runs dry (returns
   * null), failing on any status but 200. Returns requests per second over the time actually run.
   */
  double window(String name, int threads, Duration window, Supplier<byte[]> next) {
    while (fixed.size() < threads) {
      fixed.add(newConn());
    }
    CountDownLatch start = new CountDownLatch(1);
    long[] counts = new long[threads];
    long[] ends = new long[threads];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> running = new ArrayList<>();
    long[] begin = new long[1];
    for (int t = 0; t < threads; t++) {
      int i = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          long deadline = begin[0] + window.toNanos();
          long n = 0;
          long now = System.nanoTime();
          byte[] request;
          while (now < deadline && failure.get() == null && (request = next.get()) != null) {
            Response r = fixed.get(i).exchange(request);
            if (r.status() != 200) {
              throw new IllegalStateException(name + ": HTTP " + r.status() + ": "
                  + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
            }
            n++;
            now = System.nanoTime();
          }
          counts[i] = n;
          ends[i] = now;
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-" + name + "-" + t);
      running.add(th);
      th.start();
    }
    begin[0] = System.nanoTime();
    start.countDown();
    for (Thread th : running) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark request failed: " + failure.get(), failure.get());
    }
    long total = 0;
    long last = begin[0];
    for (int t = 0; t < threads; t++) {
      total += counts[t];
      last = Math.max(last, ends[t]);
    }
    return last == begin[0] ? 0 : total / ((last - begin[0]) / 1e9);
  }

  /** One request on a fresh connection of this load's kind (closed after). */
  Response once(byte[] request) throws IOException {
    try (Conn c = new Conn()) {
      return c.exchange(request);
    }
  }

  private synchronized Conn newConn() {
    Conn c = new Conn();
    conns.add(c);
    return c;
  }

  @Override
  public synchronized void close() {
    conns.forEach(Conn::close);
    conns.clear();
  }

  /** {@code METHOD path HTTP/1.1} with Host, the given headers, Content-Length and the body, as bytes. */
  static byte[] request(String method, String path, int port, List<String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** The same request with its body as one chunk ({@code Transfer-Encoding: chunked}, no Content-Length). */
  static byte[] chunked(String method, String path, int port, List<String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Transfer-Encoding: chunked\r\n\r\n").append(Integer.toHexString(body.length)).append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[head.length + body.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    System.arraycopy(tail, 0, out, head.length + body.length, tail.length);
    return out;
  }

  /** One keep-alive connection, opened on first use and again after the server closed it. */
  private final class Conn implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] line = new byte[8192];

    Response exchange(byte[] request) throws IOException {
      boolean reused = socket != null;
      if (!reused) {
        open();
      }
      try {
        out.write(request);
        out.flush();
        return read();
      } catch (IOException e) {
        close();
        if (!reused) {
          throw e;
        }
        // The server closed an idle keep-alive connection: once more, on a new one.
        open();
        out.write(request);
        out.flush();
        return read();
      }
    }

    private void open() throws IOException {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setTcpNoDelay(true);
      if (tls != null) {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
        ssl.startHandshake();
        s = ssl;
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 16384);
      out = s.getOutputStream();
    }

    private Response read() throws IOException {
      int len = readLine();
      if (len < 12) {
        throw new IOException("no HTTP status line from port " + port);
      }
      int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
      int contentLength = -1;
      boolean chunked = false;
      boolean closeAfter = false;
      while ((len = readLine()) > 0) {
        String h = new String(line, 0, len, StandardCharsets.ISO_8859_1);
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> contentLength = Integer.parseInt(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> closeAfter = value.equalsIgnoreCase("close");
          default -> { }
        }
      }
      byte[] body;
      if (chunked) {
        body = readChunked();
      } else if (contentLength >= 0) {
        body = in.readNBytes(contentLength);
        if (body.length < contentLength) {
          throw new IOException("the body ended early");
        }
      } else {
        body = in.readAllBytes();
        closeAfter = true;
      }
      if (closeAfter) {
        close();
      }
      return new Response(status, body);
    }

    private byte[] readChunked() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int len = readLine();
        String size = new String(line, 0, len, StandardCharsets.ISO_8859_1);
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (readLine() > 0) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(n));
        readLine();
      }
    }

    /** Reads a line (without CRLF) into {@link #line}; returns its length. */
    private int readLine() throws IOException {
      int n = 0;
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (b == '\n') {
          return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
        }
        if (n < line.length) {
          line[n++] = (byte) b;
        }
      }
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
        socket = null;
      }
    }
  }
}
