package dev.padlock.bench;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.internal.BouncyCastleTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * Mutual-TLS full handshakes (TLS 1.3, no resumption), one connection at a time, with the issuing CA's
 * CRL of {@link #crlEntries} entries: in this JVM, padlock's contexts against bare JSSE (the JDK's
 * default managers, no revocation checking) and against SunJSSE with the JDK's own PKIXRevocationChecker
 * on the same CRL, interleaved round by round; then padlock's server against {@code openssl s_server
 * -Verify} (same CRL, {@code -crl_check}) under the same {@code openssl s_time} client.
 */
final class MtlsBench {
  private static final Pattern S_TIME = Pattern.compile("(\\d+) connections in [\\d.]+s");

  private MtlsBench() {}

  /** 100k entries, as issue 6 asks; the tiny plan keeps the smoke test fast. */
  static int crlEntries(Plan plan) {
    return plan.name().equals("tiny") ? 1_000 : 100_000;
  }

  static void run(Plan plan, Report report, Path work) throws Exception {
    int entries = crlEntries(plan);
    String crl = Bench.label(entries);
    Bench.log("mtls: PKI with a %s-entry CRL", crl);
    TlsPki pki = TlsPki.create(work.resolve("mtls-pki"), entries);
    inJvm(plan, report, pki, crl);
    report.section("mtls: padlock's server vs openssl s_server, both answering openssl s_time (" + crl
        + "-entry CRL, TLS 1.3, full handshakes)");
    if (!plan.peers()) {
      report.skipped("mtls_vs_openssl", "peers are off in the " + plan.name() + " plan");
    } else if (Processes.which("openssl").isEmpty()) {
      report.skipped("mtls_vs_openssl", "openssl is not installed");
    } else {
      try {
        againstOpenssl(plan, report, pki, work);
      } catch (Exception e) {
        report.skipped("mtls_vs_openssl", "openssl failed: " + Bench.firstLine(e));
      }
    }
  }

  private static void inJvm(Plan plan, Report report, TlsPki pki, String crl) throws Exception {
    report.section("mtls: full TLS 1.3 mutual-TLS handshakes/s, client and server in this JVM, 1 connection at a time, "
        + crl + "-entry CRL, interleaved");
    List<TlsEnds> ends = List.of(
        TlsEnds.bare(pki, null, "bare_jdk"),
        TlsEnds.bare(pki, BouncyCastleTls.jsseProvider(), "bare_bc"),
        TlsEnds.padlock(pki, MutualTls.TlsProvider.BOUNCY_CASTLE, "padlock_bc"),
        TlsEnds.padlock(pki, MutualTls.TlsProvider.JDK, "padlock_jdk"),
        TlsEnds.jdkChecker(pki));
    List<TlsEnds.Server> servers = new ArrayList<>();
    List<Harness.Workload> workloads = new ArrayList<>();
    try {
      for (TlsEnds e : ends) {
        TlsEnds.Server s = e.startServer();
        servers.add(s);
        workloads.add(new Harness.Workload(e.name(), 1, t -> () -> {
          e.handshake(s);
          return s;
        }));
      }
      Bench.log("mtls: %s, interleaved", ends.stream().map(TlsEnds::name).toList());
      double[][] r = Harness.interleave(plan.window(), warmups(plan), runs(plan),
          workloads.toArray(Harness.Workload[]::new));
      for (int i = 0; i < servers.size(); i++) {
        if (servers.get(i).failures() > 0) {
          throw new IllegalStateException(ends.get(i).name() + ": " + servers.get(i).failures()
              + " server-side handshake failures, last " + servers.get(i).lastFailure());
        }
      }
      double[] bareJdk = r[0];
      double[] bareBc = r[1];
      double[] padlockBc = r[2];
      double[] padlockJdk = r[3];
      double[] checker = r[4];
      report.measured("mtls_bare_jdk_per_s", Stats.of(bareJdk), "ops/s",
          "SunJSSE, the JDK's key and trust managers, no revocation checking");
      report.measured("mtls_bare_bc_per_s", Stats.of(bareBc), "ops/s",
          "the same on padlock's Bouncy Castle JSSE (BC's key and trust managers), no revocation checking");
      report.measured("mtls_padlock_per_s", Stats.of(padlockBc), "ops/s",
          "padlock (TlsProvider.BOUNCY_CASTLE): chain, CRL, EKU, host name, peer policy");
      report.measured("mtls_padlock_jdk_per_s", Stats.of(padlockJdk), "ops/s", "padlock on TlsProvider.JDK (SunJSSE)");
      report.measured("mtls_jdk_checker_per_s", Stats.of(checker), "ops/s",
          "SunJSSE with the JDK's PKIXRevocationChecker on the same CRL");
      report.ratio("mtls_vs_bare", Stats.of(div(padlockBc, bareBc)), Report.Target.atLeast(0.95),
          "padlock / bare JSSE on the same provider, per round: what padlock's checks cost");
      report.ratio("mtls_vs_bare_jdk", Stats.of(div(padlockJdk, bareJdk)), Report.Target.atLeast(0.95),
          "the same on SunJSSE");
      report.ratio("mtls_vs_bare_sunjsse", Stats.of(div(padlockBc, bareJdk)), null,
          "padlock (BC) / bare SunJSSE: the provider choice and padlock's checks together");
      report.ratio("mtls_vs_jdk_checker", Stats.of(div(padlockBc, checker)), Report.Target.atLeast(3.0),
          "padlock (BC) / SunJSSE with the JDK's checker");
      report.ratio("mtls_jdk_vs_jdk_checker", Stats.of(div(padlockJdk, checker)), null,
          "padlock (SunJSSE) / the JDK's checker: the CRL check alone, same provider");
    } finally {
      for (TlsEnds.Server s : servers) {
        s.close();
      }
    }
  }

  /** Each round: {@code openssl s_time -new} for one window against padlock, then against s_server. */
  private static void againstOpenssl(Plan plan, Report report, TlsPki pki, Path work) throws Exception {
    int seconds = plan.name().equals("full") ? 3 : 1;
    Path dir = Files.createDirectories(work.resolve("mtls-openssl"));
    AtomicLong padlockFailures = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Object> lastFailure = new java.util.concurrent.atomic.AtomicReference<>();
    MutualTls tls = TlsEnds.padlockServer(pki, MutualTls.TlsProvider.BOUNCY_CASTLE)
        .versions(MutualTls.Version.TLS_1_3).listener(e -> {
          padlockFailures.incrementAndGet();
          lastFailure.set(e);
        }).build();

    int opensslPort = Processes.freePort();
    Process sServer = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + opensslPort,
        "-cert", pki.serverCert.toString(), "-cert_chain", pki.issuing.toString(), "-key", pki.serverKey.toString(),
        "-CAfile", pki.rootAndIssuing.toString(), "-Verify", "1", "-verify_return_error", "-CRL", pki.crl.toString(),
        "-crl_check", "-tls1_3", "-www", "-quiet")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile())
        .start();
    AtomicLong completed = new AtomicLong();
    int noCrlPort = Processes.freePort();
    Process sServerNoCrl = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + noCrlPort,
        "-cert", pki.serverCert.toString(), "-cert_chain", pki.issuing.toString(), "-key", pki.serverKey.toString(),
        "-CAfile", pki.rootAndIssuing.toString(), "-Verify", "1", "-verify_return_error", "-tls1_3", "-www", "-quiet")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("s_server-no-crl.log").toFile())
        .start();
    try (ServerSocket listener = tls.sslContext().getServerSocketFactory().createServerSocket(0, 256,
        InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> serve(listener, completed), "bench-mtls-s_time");
      acceptor.setDaemon(true);
      acceptor.start();
      Processes.awaitPort(opensslPort, sServer, 10_000);
      Processes.awaitPort(noCrlPort, sServerNoCrl, 10_000);
      Bench.log("mtls: openssl s_time against padlock and openssl s_server, %d s each, CRL %s entries", seconds,
          Bench.label(pki.crlEntries));
      // padlock's server code is already compiled: the in-JVM rounds ran the same handshakes.
      int runs = runs(plan);
      double[] padlock = new double[runs];
      double[] openssl = new double[runs];
      double[] opensslNoCrl = new double[runs];
      for (int r = 0; r < runs; r++) {
        padlock[r] = sTime(dir, pki, listener.getLocalPort(), seconds, completed);
        openssl[r] = sTime(dir, pki, opensslPort, seconds, null);
        opensslNoCrl[r] = sTime(dir, pki, noCrlPort, seconds, null);
      }
      if (padlockFailures.get() > 0) {
        throw new IllegalStateException("padlock's servers refused " + padlockFailures.get()
            + " s_time handshakes, the last: " + lastFailure.get());
      }
      report.measured("mtls_padlock_s_time_per_s", Stats.of(padlock), "ops/s",
          "padlock's server (BOUNCY_CASTLE), one thread: handshakes it completed while s_time -new ran");
      report.measured("mtls_openssl_s_time_per_s", Stats.of(openssl), "ops/s",
          "openssl s_server -Verify 1 -crl_check, same CRL, as s_time counts");
      report.measured("mtls_openssl_no_crl_s_time_per_s", Stats.of(opensslNoCrl), "ops/s",
          "context: the same s_server without -CRL/-crl_check");
      report.ratio("mtls_vs_openssl", Stats.of(div(padlock, openssl)), Report.Target.atLeast(0.8),
          "padlock (BOUNCY_CASTLE) / openssl s_server, per round");
      report.ratio("mtls_vs_openssl_no_crl", Stats.of(div(padlock, opensslNoCrl)), null,
          "context: padlock with the CRL / openssl s_server without one");

    } finally {
      Processes.stop(sServer);
      Processes.stop(sServerNoCrl);
    }
  }

  /** Handshake, then wait for the client to go (s_time closes without a request). */
  private static void serve(ServerSocket listener, AtomicLong completed) {
    while (!listener.isClosed()) {
      try (Socket s = listener.accept()) {
        s.setSoTimeout(10_000);
        ((SSLSocket) s).startHandshake();
        completed.incrementAndGet();
        InputStream in = s.getInputStream();
        in.read();
      } catch (IOException e) {
        // s_time closes without close_notify (a reset or an EOF); refusals reach the listener
      }
    }
  }

  /**
   * Connections per second (wall clock, the same process start-up on both sides) of one s_time run: as
   * s_time counts them, or, given {@code completed}, as many as the server completed meanwhile (s_time
   * counts a connection once its own side of the handshake is done, before the server has checked it).
   */
  private static double sTime(Path dir, TlsPki pki, int port, int seconds, AtomicLong completed) throws Exception {
    long before = completed == null ? 0 : completed.get();
    long t0 = System.nanoTime();
    String out = Processes.run(dir, List.of("openssl", "s_time", "-connect", "127.0.0.1:" + port, "-new",
        "-time", String.valueOf(seconds), "-cert", pki.clientCert.toString(), "-key", pki.clientKey.toString(),
        "-CAfile", pki.root.toString(), "-tls1_3"), seconds + 30);
    double wall = (System.nanoTime() - t0) / 1e9;
    Matcher m = S_TIME.matcher(out);
    if (!m.find()) {
      throw new IOException("no count in openssl s_time's output: " + out.strip().replace('\n', ' '));
    }
    long counted = Long.parseLong(m.group(1));
    if (completed == null) {
      return counted / wall;
    }
    Thread.sleep(50); // the server may still be checking the last one
    return Math.min(counted, completed.get() - before) / wall;
  }

  static int warmups(Plan plan) {
    return plan.name().equals("full") ? plan.warmups() : 1;
  }

  static int runs(Plan plan) {
    return plan.name().equals("full") ? plan.runs() : Math.min(plan.runs(), 3);
  }

  static double[] div(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  static {
    // Bouncy Castle's JSSE logs every connection at INFO; the bench, like an application, quiets it.
    QuietBc.quiet();
  }

  /** Holds the logger so java.util.logging keeps its level. */
  static final class QuietBc {
    private static final java.util.logging.Logger BC = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
    private static final java.util.logging.Logger PADLOCK = java.util.logging.Logger.getLogger("dev.padlock.tls.handshake");

    static void quiet() {
      BC.setLevel(java.util.logging.Level.SEVERE); // it warns of every peer that resets after the handshake
      PADLOCK.setLevel(java.util.logging.Level.SEVERE);
    }
  }
}
