package dev.padlock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The receiving end of a bulk transfer: accepts connections on loopback (plain TCP, or TLS with a server
 * context) and reads everything into one buffer, counting bytes. A {@link Sender} on the other end
 * writes 1 MiB at a time and keeps at most {@link Sender#IN_FLIGHT} bytes unread, so a window's count is
 * what reached the sink.
 */
final class Sinks {
  private Sinks() {}

  /** A sink on loopback; {@code tls} null for plain TCP. */
  static final class Sink implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicLong received = new AtomicLong();
    private final Thread acceptor;

    private final SSLContext layered;

    Sink(SSLContext tls, String name) throws IOException {
      this(tls, name, false);
    }

    /**
     * With {@code buffered}, TLS is layered over an accepted socket whose input is read 64 KiB at a time
     * (as the tunnel's TLS side is) rather than accepted by the context's server socket.
     */
    Sink(SSLContext tls, String name, boolean buffered) throws IOException {
      this.layered = buffered ? tls : null;
      this.listener = tls == null || buffered ? new BufferedListener()
          : tls.getServerSocketFactory().createServerSocket(0, 64, InetAddress.getLoopbackAddress());
      if (listener instanceof BufferedListener) {
        listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      }
      this.acceptor = new Thread(this::accept, "bench-sink-" + name);
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    long received() {
      return received.get();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket accepted = listener.accept();
          Socket s = layered == null ? accepted
              : ((javax.net.ssl.SSLSocketFactory) layered.getSocketFactory()).createSocket(accepted, null, true);
          Thread t = new Thread(() -> drain(s), acceptor.getName() + "-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          // closed
        }
      }
    }

    private void drain(Socket s) {
      byte[] buf = new byte[64 * 1024];
      try (s) {
        if (s instanceof SSLSocket ssl) {
          ssl.startHandshake();
        }
        InputStream in = s.getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          received.addAndGet(n);
        }
      } catch (IOException e) {
        // the sender went away
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** Accepts sockets whose input is read through a 64 KiB buffer. */
  private static final class BufferedListener extends ServerSocket {
    BufferedListener() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      Socket s = new Socket() {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
          if (in == null) {
            in = new java.io.BufferedInputStream(super.getInputStream(), 64 * 1024);
          }
          return in;
        }
      };
      implAccept(s);
      return s;
    }
  }

  /** One connection's sending end: 1 MiB writes (64 KiB each), at most IN_FLIGHT bytes not yet at the sink. */
  static final class Sender implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    static final long IN_FLIGHT = 8L << 20;
    private static final long STALL_NANOS = 10_000_000_000L;
    private final Socket socket;
    private final OutputStream out;
    private final LongSupplier received;
    private final byte[] data = new byte[CHUNK];
    private long sent;
    private final long base;

    Sender(Socket socket, Sink sink) throws IOException {
      this(socket, sink::received);
    }

    /** Sends on {@code socket}; {@code received} counts what reached the other end. */
    Sender(Socket socket, LongSupplier received) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.received = received;
      this.base = received.getAsLong();
      new java.util.Random(1).nextBytes(data);
    }

    /** Sends 1 MiB; returns once the sink is no more than IN_FLIGHT behind. */
    long sendMiB() throws IOException {
      for (int i = 0; i < 16; i++) {
        out.write(data, 0, CHUNK);
      }
      sent += 16 * CHUNK;
      long stall = System.nanoTime() + STALL_NANOS;
      while (sent - (received.getAsLong() - base) > IN_FLIGHT) {
        if (socket.isClosed() || System.nanoTime() > stall) {
          // e.g. a TLS 1.3 server that refused our certificate after our side of the handshake ended
          throw new IOException("the sink received nothing for 10 s (" + (received.getAsLong() - base) + " of "
              + sent + " bytes)");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
      return sent;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Reads a socket to its end on a thread of its own, counting bytes: the client end of a download. */
  static final class Drain implements AutoCloseable {
    private final Socket socket;
    private final AtomicLong received = new AtomicLong();

    Drain(Socket socket, String name) {
      this.socket = socket;
      Thread t = new Thread(() -> {
        byte[] buf = new byte[64 * 1024];
        try (socket) {
          InputStream in = socket.getInputStream();
          for (int n; (n = in.read(buf)) >= 0; ) {
            received.addAndGet(n);
          }
        } catch (IOException e) {
          // closed
        }
      }, "bench-drain-" + name);
      t.setDaemon(true);
      t.start();
    }

    long received() {
      return received.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * A download: {@code listener} (plain TCP, or TLS) accepts the connection that {@code connect} opens from
   * the client side (on another thread, handshake included); the accepted socket sends, the client's drains.
   */
  static Sender download(ServerSocket listener, java.util.concurrent.Callable<Socket> connect, String name,
      java.util.List<AutoCloseable> open) throws Exception {
    java.util.List<AutoCloseable> shared = java.util.Collections.synchronizedList(open); // two threads add
    java.util.concurrent.FutureTask<Socket> client = new java.util.concurrent.FutureTask<>(() -> {
      Socket s = connect.call();
      shared.add(s); // closed with the rest even if the accepting side fails
      return s;
    });
    Thread t = new Thread(client, "bench-connect-" + name);
    t.setDaemon(true);
    t.start();
    listener.setSoTimeout(30_000); // a client the server side refused never arrives
    try {
      Socket accepted = listener.accept();
      shared.add(accepted);
      accepted.setTcpNoDelay(true);
      if (accepted instanceof SSLSocket ssl) {
        ssl.startHandshake();
      }
      Drain drain = new Drain(client.get(30, java.util.concurrent.TimeUnit.SECONDS), name);
      shared.add(drain);
      return new Sender(accepted, drain::received);
    } catch (Exception e) {
      client.cancel(true);
      throw e;
    }
  }
}
