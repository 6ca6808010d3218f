package dev.padlock.tls.testing;

import dev.padlock.tls.MutualTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A padlock server on a loopback port, built from a {@link MutualTls} server context with a plain
 * SSLServerSocket: after each handshake it writes "hello CN\n" (the client's subject) and then echoes
 * one line back, then closes. Like a real service, it reads first, so handshake failures surface.
 */
public final class EchoServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "echo-server");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger served = new AtomicInteger();

  public EchoServer(MutualTls tls) throws IOException {
    this(tls, 0);
  }

  /** A server on a given loopback port (0: any free one). */
  public EchoServer(MutualTls tls, int port) throws IOException {
    socket = (SSLServerSocket) tls.sslContext().getServerSocketFactory().createServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    pool.execute(this::acceptLoop);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Handshakes completed so far. */
  public int served() {
    return served.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        pool.execute(() -> serve((SSLSocket) s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket s) {
    try (s) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      served.incrementAndGet();
      String who = s.getSession().getPeerCertificates().length == 0 ? "anonymous"
          : ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
              .getSubjectX500Principal().getName();
      OutputStream out = s.getOutputStream();
      out.write(("hello " + who + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.append((char) c);
      }
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // reported by padlock's listener; the test looks there
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
