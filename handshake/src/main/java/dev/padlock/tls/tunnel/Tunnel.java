package dev.padlock.tls.tunnel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.padlock.tls.MutualTls;
import dev.padlock.tls.diagnose.HandshakeListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * A mutual-TLS tunnel, as ghostunnel is one. A <em>server</em> tunnel terminates mutual TLS in front of a
 * plain TCP service: it accepts TLS, completes the handshake (client certificate required, checked against
 * the trust bundle, revocation data and peer policy), and only then connects to the target and copies bytes
 * both ways. A <em>client</em> tunnel accepts plain TCP from a local program and carries it over mutual TLS
 * to the target. Both reload renewed certificates and fresh CRLs through {@link MutualTls} without dropping
 * connections; every refused peer is reported with its diagnosed cause.
 */
public final class Tunnel implements AutoCloseable {
  /** How long a peer has to finish its handshake. */
  static final int HANDSHAKE_TIMEOUT_MS = 10_000;
  private static final int BUFFER = 64 * 1024;
  /**
   * The most plain bytes one write from TLS to plain carries (Bouncy Castle's side, {@link #copyDecrypted}). A
   * connection whose batch fills its {@value #BUFFER}-byte buffer (more records were already waiting) moves to
   * one of this size, 32 records, and back to {@value #BUFFER} bytes when it goes quiet (nothing left to read
   * without waiting). Its TLS side's reads grow and shrink the same way, on their own signal ({@link
   * BufferedSocket}). Fewer, larger system calls and wake-ups per byte: in the bench ({@code --plan full --only
   * tunnel}, alternating builds) {@code tunnel_vs_direct} had a median of 0.767 over 9 runs with 64 KiB
   * (0.744-0.785), 0.83 over 7 runs with fixed 256-512 KiB buffers (0.751-0.910), 0.80 over 11 runs with
   * buffers that grow in a burst (0.739-0.897; 0.798-0.819 in the 3 runs of this version, which also shrinks
   * them). A connection in a burst holds ~1 MiB in each direction (the plain-to-TLS side reads 512 KiB and
   * corks 32 records: see {@link #copy}); a quiet one goes back to ~130 KiB.
   */
  static final int MAX_BATCH = 512 * 1024;
  /** The most application data one TLS record carries (RFC 8446 section 5.1). */
  private static final int MAX_RECORD_DATA = 16_384;

  private final boolean serverMode;
  private final MutualTls tls;
  private final InetSocketAddress target;
  private final TunnelStats stats;
  private final ServerSocket listener;
  private final ExecutorService workers;
  private final HttpServer status;
  private final Thread acceptor;
  /**
   * Whether the TLS side may decrypt the records already buffered under it before writing to the plain side:
   * Bouncy Castle's JSSE keeps a partly read record when a read throws {@link java.net.SocketTimeoutException}
   * after the handshake, so {@link BufferedSocket.Input#noWait} cannot lose data.
   */
  private final boolean batchesRecords;
  /**
   * Whether the TLS side's {@code shutdownOutput()} passes on the end of the plain input (SunJSSE sends
   * close_notify and keeps reading); otherwise a server tunnel closes the TLS connection, as before the TLS
   * side was layered.
   */
  private final boolean tlsHalfCloses;
  private volatile boolean closed;

  private Tunnel(Builder b) throws IOException {
    this.serverMode = b.serverMode;
    this.target = b.target;
    this.stats = b.stats;
    HandshakeListener user = b.listener;
    TunnelStats s = b.stats;
    b.tls.listener(e -> {
      s.countRefused(e.cause());
      user.refused(e);
    });
    this.tls = b.tls.build();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "padlock-tunnel-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.workers = Executors.newCachedThreadPool(threads);
    // TLS is layered over accepted (server) or connected (client) BufferedSockets: see copyDecrypted.
    String jsse = tls.sslContext().getProvider().getName();
    this.batchesRecords = jsse.equals("BCJSSE");
    this.tlsHalfCloses = !serverMode || jsse.equals("SunJSSE");
    ServerSocket ss = serverMode ? new BufferedSocket.Listener() : new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(b.listen, 256);
    this.listener = ss;
    this.status = b.statusAddress == null ? null : statusServer(b.statusAddress);
    this.acceptor = threads.newThread(this::acceptLoop);
    this.acceptor.setName("padlock-tunnel-accept");
    this.acceptor.start();
  }

  /** A tunnel that terminates mutual TLS on {@code listen} and forwards plain TCP to {@code target}. */
  public static Builder server(MutualTls.ServerBuilder tls, InetSocketAddress listen, InetSocketAddress target) {
    return new Builder(true, tls, listen, target);
  }

  /** A tunnel that accepts plain TCP on {@code listen} and carries it over mutual TLS to {@code target}. */
  public static Builder client(MutualTls.ClientBuilder tls, InetSocketAddress listen, InetSocketAddress target) {
    return new Builder(false, tls, listen, target);
  }

  /** Builds and starts a {@link Tunnel}. */
  public static final class Builder {
    private final boolean serverMode;
    private final MutualTls.Builder<?> tls;
    private final InetSocketAddress listen;
    private final InetSocketAddress target;
    private final TunnelStats stats = new TunnelStats();
    private HandshakeListener listener = HandshakeListener.none();
    private InetSocketAddress statusAddress;

    private Builder(boolean serverMode, MutualTls.Builder<?> tls, InetSocketAddress listen, InetSocketAddress target) {
      this.serverMode = serverMode;
      this.tls = Objects.requireNonNull(tls);
      this.listen = Objects.requireNonNull(listen);
      this.target = Objects.requireNonNull(target);
    }

    /** Told about each refused handshake, with its cause. If unset, only the counters and the log see them. */
    public Builder listener(HandshakeListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * Serve the counters as JSON on {@code GET http://ADDRESS/status}, and {@code POST /reload} to re-read the
     * certificate, key, trust and CRL files now. If unset, no status endpoint. Bind it to loopback.
     */
    public Builder statusAddress(InetSocketAddress address) {
      this.statusAddress = address;
      return this;
    }

    public Tunnel start() throws IOException {
      return new Tunnel(this);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  public InetSocketAddress statusAddress() {
    return status == null ? null : status.getAddress();
  }

  public TunnelStats stats() {
    return stats;
  }

  /** The TLS implementation in use (empty when a JSSE provider of the caller's was given). */
  public java.util.Optional<MutualTls.TlsProvider> tlsProvider() {
    return java.util.Optional.ofNullable(tls.tlsProvider());
  }

  /** Re-reads identity, trust and revocation files now (a bad file keeps the last good state). */
  public void reload() throws IOException {
    tls.reload();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket in;
      try {
        in = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      workers.execute(() -> serve(in));
    }
  }

  private void serve(Socket accepted) {
    SSLSocket tlsSide = null;
    Socket plainSide = null;
    BufferedSocket raw = null;
    try {
      if (serverMode) {
        raw = (BufferedSocket) accepted;
        tlsSide = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(raw, null, true);
        tlsSide.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        tlsSide.startHandshake(); // refused peers are reported by MutualTls and never reach the target
        tlsSide.setSoTimeout(0);
        plainSide = connectPlain();
      } else {
        plainSide = accepted;
        raw = new BufferedSocket();
        tlsSide = connectTls(raw);
      }
      if (plainSide == null) {
        return;
      }
      stats.countAccepted();
      pipe(tlsSide, raw.input(), raw.output(), plainSide);
    } catch (IOException e) {
      // a refused handshake: already reported with its cause
    } finally {
      closeQuietly(tlsSide);
      closeQuietly(raw);
      closeQuietly(accepted);
      closeQuietly(plainSide);
    }
  }

  private Socket connectPlain() {
    try {
      Socket s = new Socket();
      s.connect(target, HANDSHAKE_TIMEOUT_MS);
      s.setTcpNoDelay(true);
      return s;
    } catch (IOException e) {
      stats.targetFailed();
      System.getLogger(Tunnel.class.getName()).log(System.Logger.Level.WARNING,
          "tunnel: cannot reach target " + target + ": " + e.getMessage());
      return null;
    }
  }

  private SSLSocket connectTls(Socket raw) throws IOException {
    try {
      raw.connect(target, HANDSHAKE_TIMEOUT_MS);
    } catch (IOException e) {
      stats.targetFailed();
      closeQuietly(raw);
      throw e;
    }
    SSLSocket s = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(raw, target.getHostString(),
        target.getPort(), true);
    s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
    s.startHandshake();
    s.setSoTimeout(0);
    s.setTcpNoDelay(true);
    return s;
  }

  /** Copies both ways until both directions end; an end in one direction is passed on as a half-close. */
  private void pipe(SSLSocket tlsSide, BufferedSocket.Input raw, BufferedSocket.Output corked, Socket plainSide) {
    stats.opened();
    LongAdder fromTls = serverMode ? stats.inCounter() : stats.outCounter();
    LongAdder toTls = serverMode ? stats.outCounter() : stats.inCounter();
    // Bouncy Castle's JSSE (1.84) writes its answer to a close_notify (and a fatal alert) from the reading
    // thread without the lock its application-data writes take, so a record being encrypted at that moment
    // could leave out of order (the peer refuses it: "Tag mismatch"). Its reads, writes and closes take turns
    // on this lock instead. Neither side waits for the network while holding it, but for the close: a write
    // goes to the cork, in memory, and leaves after; a read lets it go while it waits.
    ReentrantLock turns = batchesRecords ? new ReentrantLock() : null;
    if (turns != null) {
      raw.lockWhileProcessing(turns);
    }
    try {
      var back = workers.submit(() -> copy(plainSide, tlsSide, toTls, corked, turns));
      if (batchesRecords) {
        copyDecrypted(tlsSide, raw, plainSide, fromTls, turns);
      } else {
        copy(tlsSide, plainSide, fromTls, null, null);
      }
      back.get();
    } catch (Exception e) {
      // a reset on either side ends the connection
    } finally {
      stats.closed();
    }
  }

  /**
   * Copies {@code from} to {@code to} as it comes. With {@code corked} (the raw socket under a TLS {@code
   * to}: plain to TLS), a read's worth of more than one record is written with the output corked, so its
   * TLS records leave together (four from a 64 KiB read) instead of one system call each; and, as in {@link
   * #copyDecrypted}, a read that fills the buffer moves the connection to 512 KiB reads, whose 32 records
   * also leave together, until a read finds nothing more waiting (then both buffers are let go: a quiet
   * connection holds the 64 KiB read buffer and no cork buffer; a corked read that finds nothing more
   * waiting lets the cork buffer go too, at the cost of one {@code available()} call). On Bouncy Castle
   * ({@code turns}) every write is corked whole, in a cork buffer sized to the writes.
   */
  private void copy(Socket from, Socket to, LongAdder counter, BufferedSocket.Output corked, ReentrantLock turns) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (turns != null) {
          // the records go to the cork (in memory, never out while corked) while the TLS side's reader waits
          // its turn; they leave after, without the lock
          corked.corkWhole();
          try {
            turns.lock();
            try {
              out.write(buf, 0, n);
              out.flush();
            } finally {
              turns.unlock();
            }
          } finally {
            corked.cork(false);
          }
        } else if (corked == null || n <= MAX_RECORD_DATA) {
          out.write(buf, 0, n); // one record at most: nothing to put together
          out.flush();
        } else {
          corked.cork(true);
          try {
            out.write(buf, 0, n);
          } finally {
            corked.cork(false);
          }
          out.flush();
        }
        counter.add(n);
        if (corked != null) {
          if (n == buf.length && buf.length < MAX_BATCH) {
            buf = new byte[MAX_BATCH]; // the read filled the buffer: a bulk sender
            corked.bulk(true);
          } else if ((buf.length > BUFFER || n > MAX_RECORD_DATA) && in.available() == 0) {
            // after a big read or a corked one, the next read waits for the sender: a quiet connection holds
            // the small read buffer and no cork buffer
            if (buf.length > BUFFER) {
              buf = new byte[BUFFER];
            }
            corked.bulk(false);
          }
        }
      }
      inTurn(turns, () -> endOutput(to));
    } catch (IOException e) {
      inTurn(turns, () -> closeQuietly(to));
      closeQuietly(from);
    }
  }

  /** Runs {@code r} holding {@code turns} (a close of the TLS side writes a close_notify), or as is without. */
  private static void inTurn(ReentrantLock turns, Runnable r) {
    if (turns == null) {
      r.run();
      return;
    }
    turns.lock();
    try {
      r.run();
    } finally {
      turns.unlock();
    }
  }

  /**
   * TLS to plain, several records per write. A TLS implementation returns one record's data per read; each
   * write to the plain side costs a system call and a wake-up of the reader, so after a read that may have
   * waited, the records already whole in {@code raw} are decrypted into the same buffer before one write.
   * Reads in that loop never wait ({@link BufferedSocket.Input#noWait}): data already decrypted is never held
   * back waiting for more (a record that carries no data, such as a TLS 1.3 KeyUpdate, ends the batch).
   */
  private void copyDecrypted(SSLSocket from, BufferedSocket.Input raw, Socket to, LongAdder counter,
      ReentrantLock turns) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        boolean ended = false;
        IOException failed = null;
        raw.noWait(true);
        try {
          while (buf.length - n >= MAX_RECORD_DATA && (in.available() > 0 || raw.holdsWholeRecord())) {
            int more = in.read(buf, n, buf.length - n);
            if (more < 0) {
              ended = true;
              break;
            }
            n += more;
          }
        } catch (BufferedSocket.WouldBlock e) {
          // nothing more without waiting: write what we have
        } catch (IOException e) {
          failed = e; // e.g. answering the peer's close_notify failed: first pass on what it sent before
        } finally {
          raw.noWait(false);
          raw.release(); // done with the TLS side until the next read: the writer's turn
        }
        out.write(buf, 0, n);
        counter.add(n);
        if (failed != null) {
          throw failed;
        }
        if (ended) {
          break;
        }
        if (buf.length - n < MAX_RECORD_DATA && buf.length < MAX_BATCH) {
          buf = new byte[MAX_BATCH]; // the batch was cut short by the buffer: a bulk sender
        } else if (buf.length > BUFFER && in.available() == 0 && raw.quiet()) {
          buf = new byte[BUFFER]; // the next read waits for the peer: a quiet connection holds the small buffer
        }
      }
      endOutput(to);
    } catch (IOException e) {
      raw.release();
      closeQuietly(to);
      inTurn(turns, () -> closeQuietly(from));
    } finally {
      raw.release();
    }
  }

  /** Passes on the end of one direction: a half-close where the socket can do it, else a close. */
  private void endOutput(Socket to) {
    try {
      if (to instanceof SSLSocket && !tlsHalfCloses) {
        to.close();
      } else {
        to.shutdownOutput();
      }
    } catch (IOException | UnsupportedOperationException e) {
      closeQuietly(to);
    }
  }

  private HttpServer statusServer(InetSocketAddress address) throws IOException {
    HttpServer s = HttpServer.create(address, 16);
    s.createContext("/status", ex -> respond(ex, 200, stats.toJson()));
    s.createContext("/reload", ex -> {
      if (!"POST".equals(ex.getRequestMethod())) {
        respond(ex, 405, "{\"error\": \"use POST\"}");
        return;
      }
      try {
        reload();
        respond(ex, 200, "{\"reloaded\": true}");
      } catch (IOException e) {
        respond(ex, 500, "{\"reloaded\": false, \"error\": \"" + e.getMessage().replace("\"", "'") + "\"}");
      }
    });
    s.setExecutor(workers);
    s.start();
    return s;
  }

  private static void respond(HttpExchange ex, int code, String json) throws IOException {
    byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    if (status != null) {
      status.stop(0);
    }
    workers.shutdownNow();
  }

}
