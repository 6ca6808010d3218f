package dev.padlock.bench;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.sign.BouncyCastle;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A trivial HTTP/1.1 endpoint for measuring the load generator's own ceiling: a thread per connection,
 * keep-alive, every request (its body read and dropped) answered with the same 600-byte body. What it
 * serves per second is a floor for what {@link HttpLoad} can push on this machine, since both share the
 * cores; a figure driven by {@link HttpLoad} well below it is not limited by the client.
 */
final class TrivialServer implements AutoCloseable {
  private static final byte[] RESPONSE = response("");
  private static final byte[] RESPONSE_CLOSE = response("Connection: close\r\n");

  private static byte[] response(String extraHeaders) {
    byte[] body = new byte[600];
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n" + extraHeaders
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    return out;
  }

  private final ServerSocket listener;
  private final Thread acceptor;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "trivial-conn");
    t.setDaemon(true);
    return t;
  });

  private TrivialServer(ServerSocket listener) {
    this.listener = listener;
    this.acceptor = new Thread(this::accept, "trivial-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Plain HTTP when {@code tls} is null, else HTTPS with its server context. */
  static TrivialServer start(SSLContext tls) throws IOException {
    ServerSocket s = tls == null ? new ServerSocket(0, 64, InetAddress.getLoopbackAddress())
        : tls.getServerSocketFactory().createServerSocket(0, 64, InetAddress.getLoopbackAddress());
    return new TrivialServer(s);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        s.setTcpNoDelay(true);
        workers.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream(), 16384);
      OutputStream out = s.getOutputStream();
      byte[] line = new byte[8192];
      while (true) {
        int contentLength = 0;
        boolean closeAfter = false;
        int len = readLine(in, line);
        if (len < 0) {
          return;
        }
        while ((len = readLine(in, line)) > 0) {
          String h = new String(line, 0, len, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
          if (h.startsWith("content-length:")) {
            contentLength = Integer.parseInt(h.substring(15).trim());
          } else if (h.startsWith("connection:") && h.contains("close")) {
            closeAfter = true;
          }
        }
        if (len < 0) {
          return;
        }
        in.skipNBytes(contentLength);
        out.write(closeAfter ? RESPONSE_CLOSE : RESPONSE);
        out.flush();
        if (closeAfter) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static int readLine(InputStream in, byte[] line) throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return -1;
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
  public void close() throws IOException {
    listener.close();
    workers.shutdownNow();
  }

  /** A server context with a fresh self-signed EC P-256 certificate, and a client context trusting it. */
  record Tls(SSLContext server, SSLContext client) {
    static Tls selfSigned() throws Exception {
      KeyPair keys = LimitBench.p256(BouncyCastle.provider());
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      var holder = CertificateTemplate.ca(null, SerialNumber.random(new SecureRandom()), new X500Name("CN=127.0.0.1"),
          SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), now.minusSeconds(60),
          now.plus(1, ChronoUnit.DAYS), 0, true)
          .sign(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
              .build(keys.getPrivate()));
      Certificate cert = CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      var jdkKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keys.getPrivate().getEncoded()));
      ks.setKeyEntry("k", jdkKey, new char[0], new Certificate[] {cert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, new char[0]);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, new SecureRandom());
      return new Tls(server, clientTrusting(cert));
    }
  }

  /** A client context trusting {@code anchor} alone. */
  static SSLContext clientTrusting(Certificate anchor) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("anchor", anchor);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), new SecureRandom());
    return client;
  }
}
