package dev.padlock.tls.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The TCP socket under the tunnel's TLS side. A TLS implementation layered over it ({@code
 * SSLSocketFactory.createSocket(socket, ...)}) reads each record's 5-byte header and its body in two reads;
 * on a plain socket that is two system calls per record, here it is one per 4 records, and up to 32 once a
 * read has filled the buffer (a bulk sender), until a read finds nothing waiting (the connection went quiet).
 * The tunnel also asks it whether a whole record is already buffered, to decrypt several before one write
 * to the plain side, and can make it fail instead of blocking while it does (see {@link Input#noWait}).
 */
final class BufferedSocket extends Socket {
  /** A full TLS record with its header: 2^14 bytes of data, up to 256 of expansion (RFC 8446 5.2), 5 of header. */
  static final int RECORD = 16_384 + 256 + 5;
  /** Bytes read from the kernel at once at first: four full TLS records. */
  static final int READ_BUFFER = 4 * RECORD;
  /** What the read buffer grows to once a read fills it (the peer is ahead): 32 records. */
  static final int MAX_READ_BUFFER = 32 * RECORD;

  private Input input;
  private Output output;

  BufferedSocket() {
    super();
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (input == null) {
      input = new Input(super.getInputStream());
    }
    return input;
  }

  @Override
  public synchronized OutputStream getOutputStream() throws IOException {
    if (output == null) {
      output = new Output(super.getOutputStream());
    }
    return output;
  }

  /** The corkable output (the stream {@link #getOutputStream()} returns). */
  Output output() throws IOException {
    return (Output) getOutputStream();
  }

  /** A listener whose accepted sockets are {@link BufferedSocket}s. */
  static final class Listener extends ServerSocket {
    Listener() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      if (isClosed()) {
        throw new SocketException("Socket is closed");
      }
      BufferedSocket s = new BufferedSocket();
      implAccept(s);
      return s;
    }
  }

  /** The buffered input (the stream {@link #getInputStream()} returns). */
  Input input() throws IOException {
    return (Input) getInputStream();
  }

  /** Thrown by a read in {@link Input#noWait} mode that would have to wait for the network. */
  static final class WouldBlock extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    WouldBlock() {
      super("no buffered input (a read that must not wait)");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // thrown once per batch at most, and always caught by the tunnel
    }
  }

  /**
   * The socket's output. A TLS implementation writes each record and flushes it: one system call per
   * record, and a wake-up of the peer's reader. While a thread has it {@link #cork corked}, that thread's
   * writes collect in a buffer (up to {@link #CORK_BUFFER}, or {@link #MAX_CORK_BUFFER} in {@link #bulk}
   * mode; a full buffer is written out) and its flushes are put off, so the records of one application
   * write leave in one system call when it uncorks. Uncorked, writes go straight to the socket.
   *
   * <p>A TLS implementation also writes from its reading thread (an alert, a close_notify, a KeyUpdate
   * answer) and may close the socket right after. Such a write, or flush, from any thread but the one that
   * corked first writes out what the cork holds, then goes straight to the socket: records leave in the
   * order they were written, and none is left in the cork when the socket closes.
   */
  static final class Output extends OutputStream {
    /** What a cork holds before it writes out: four full records, the records of one 64 KiB write. */
    static final int CORK_BUFFER = 4 * RECORD;
    /** What it holds in {@link #bulk} mode: 32 records, the records of one 512 KiB write. */
    static final int MAX_CORK_BUFFER = 32 * RECORD;

    private final OutputStream socket;
    private byte[] buf;
    private int capacity = CORK_BUFFER;
    private int count;
    private Thread corkedBy;
    private boolean whole;

    Output(OutputStream socket) {
      this.socket = socket;
    }

    /**
     * Corks ({@code true}) this output for the calling thread, or uncorks it ({@code false}): writes out
     * and flushes what the cork held. Cork only around a write that ends with a flush (a TLS write does),
     * and always uncork (in a {@code finally}): nothing is held once uncorked.
     */
    synchronized void cork(boolean on) throws IOException {
      corkedBy = on ? Thread.currentThread() : null;
      if (!on) {
        whole = false;
        drain();
        socket.flush();
        if (buf != null && buf.length > capacity) {
          buf = null; // grown past the cork's size by corkWhole: not kept
        }
      }
    }

    /**
     * Corks for the calling thread like {@code cork(true)}, but holds everything written until {@code
     * cork(false)}: when the buffer is full it grows instead of writing out, so the writer never touches the
     * network while corked (it may hold a lock the reading side needs). The buffer is sized to what is
     * written, up to the cork's size, so a connection that writes little holds little; it grows past that
     * only for one write of more records than the cork holds (smaller records, as with max_fragment_length),
     * and is let go at the uncork then.
     */
    synchronized void corkWhole() {
      corkedBy = Thread.currentThread();
      whole = true;
    }

    /**
     * Sizes the cork for bulk writes (on: {@link #MAX_CORK_BUFFER}) or not (off: {@link #CORK_BUFFER}).
     * Switching it off also lets the buffer go (the connection went quiet); it is allocated again at the
     * next corked write. Call it uncorked.
     */
    synchronized void bulk(boolean on) {
      capacity = on ? MAX_CORK_BUFFER : CORK_BUFFER;
      if (count == 0 && buf != null && (!on || buf.length != capacity)) {
        buf = null;
      }
    }

    /** The size of the cork's buffer now (0 when it holds none). */
    synchronized int capacity() {
      return buf == null ? 0 : buf.length;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (corkedBy != Thread.currentThread()) {
        drain(); // another thread's records first: they were written before this one
        socket.write(b, off, len);
        return;
      }
      if (whole) {
        if (buf == null) {
          int size = capacity == MAX_CORK_BUFFER ? capacity : Math.min(capacity, Math.max(len, 4096));
          buf = new byte[Math.max(len, size)];
        }
        if (len > buf.length - count) {
          buf = Arrays.copyOf(buf, Math.max(count + len, Math.min(2 * buf.length, capacity)));
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
        return;
      }
      if (buf == null) {
        buf = new byte[capacity];
      }
      if (len > buf.length - count) {
        drain();
      }
      if (len > buf.length) {
        socket.write(b, off, len);
      } else {
        System.arraycopy(b, off, buf, count, len);
        count += len;
      }
    }

    /** Put off for the thread that corked ({@link #cork cork(false)} flushes); for another, as a write. */
    @Override
    public synchronized void flush() throws IOException {
      if (corkedBy != Thread.currentThread()) {
        drain();
        socket.flush();
      }
    }

    /** Bytes held by the cork, not yet written to the socket. */
    synchronized int held() {
      return count;
    }

    private void drain() throws IOException {
      if (count > 0) {
        int n = count;
        count = 0;
        socket.write(buf, 0, n);
      }
    }

    /** Closes the socket at once (not synchronized: it must be able to end a write blocked on the network). */
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A buffered socket input stream; used by one reading thread at a time. */
  static final class Input extends InputStream {
    /** TLS record header: type (1), legacy version (2), length (2); RFC 8446 section 5.1. */
    private static final int HEADER = 5;

    private final InputStream socket;
    private byte[] buf = new byte[READ_BUFFER];
    private final WouldBlock wouldBlock = new WouldBlock();
    private int pos;
    private int limit;
    private boolean noWait;
    private ReentrantLock processing;

    Input(InputStream socket) {
      this.socket = socket;
    }

    /**
     * From now on, bytes are handed on only with {@code lock} held by the reading thread: a read takes it,
     * lets it go while it waits for the network and takes it again after, and the caller lets it go with
     * {@link #release()} when it is done with what it read. A TLS implementation that writes from its reading
     * thread (Bouncy Castle's answer to a close_notify, or a fatal alert) then writes only with that lock held,
     * and a writer that takes it around its own TLS writes takes turns with it.
     */
    void lockWhileProcessing(ReentrantLock lock) {
      this.processing = lock;
    }

    /** Takes the {@link #lockWhileProcessing processing} lock, if there is one, unless this thread holds it. */
    private void hold() {
      if (processing != null && !processing.isHeldByCurrentThread()) {
        processing.lock();
      }
    }

    /** Lets go of the {@link #lockWhileProcessing processing} lock if this thread holds it. */
    void release() {
      if (processing != null && processing.isHeldByCurrentThread()) {
        processing.unlock();
      }
    }

    /**
     * While on, a read that finds the buffer empty throws {@link WouldBlock} instead of reading from the
     * network. A TLS implementation that supports read timeouts (Bouncy Castle's, after the handshake)
     * keeps a partly read record and goes on with it at the next read.
     */
    void noWait(boolean on) {
      this.noWait = on;
    }

    /** Whether the buffer holds at least one whole TLS record (header and body), so reading it cannot wait. */
    boolean holdsWholeRecord() {
      int n = limit - pos;
      if (n < HEADER) {
        return false;
      }
      int length = ((buf[pos + 3] & 0xff) << 8) | (buf[pos + 4] & 0xff);
      return n >= HEADER + length;
    }

    @Override
    public int read() throws IOException {
      hold();
      if (pos == limit && fill() < 0) {
        return -1;
      }
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      hold();
      if (pos == limit && fill() < 0) {
        return -1;
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    private int fill() throws IOException {
      if (noWait) {
        throw wouldBlock;
      }
      if (buf.length > READ_BUFFER && quiet()) {
        buf = new byte[READ_BUFFER]; // about to wait for the peer: a quiet connection holds the small buffer
      } else if (limit == buf.length && buf.length < MAX_READ_BUFFER) {
        buf = new byte[MAX_READ_BUFFER]; // the last read filled it: a bulk sender, more was waiting
      }
      release(); // about to wait for the network
      int n;
      try {
        n = socket.read(buf, 0, buf.length);
      } finally {
        hold(); // a failed read too: the TLS implementation may answer it with an alert
      }
      pos = 0;
      limit = Math.max(n, 0);
      return n;
    }

    /** The read buffer's size now (it grows under bulk input, and shrinks when the connection goes quiet). */
    int capacity() {
      return buf.length;
    }

    /**
     * Whether nothing is buffered here or waiting in the kernel, so the next read will wait for the peer. Asks
     * the kernel (one system call).
     */
    boolean quiet() throws IOException {
      return pos == limit && socket.available() == 0;
    }

    /** Only the buffered bytes: asking the kernel costs a system call. */
    @Override
    public int available() {
      return limit - pos;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
