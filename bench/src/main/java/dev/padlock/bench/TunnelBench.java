package dev.padlock.bench;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.tunnel.Tunnel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Bulk throughput of one connection: the same mutual-TLS client (padlock's, on SunJSSE) sends to a TLS
 * server that reads everything itself (direct), to {@code padlock tunnel server} in front of a plain TCP
 * reader, and to stunnel in front of the same kind of reader; and it downloads from a TLS server that sends
 * itself and from a plain TCP sender behind the tunnel. All interleaved round by round. Each window counts
 * MiB that reached the reader (at most {@link Sinks.Sender#IN_FLIGHT} behind).
 */
final class TunnelBench {
  private TunnelBench() {}

  static void run(Plan plan, Report report, Path work) throws Exception {
    MutualTls.TlsProvider provider = MutualTls.TlsProvider.BOUNCY_CASTLE;
    report.section("tunnel: MiB/s through one connection (TLS 1.3, AES-128-GCM), interleaved");
    TlsPki pki = TlsPki.create(work.resolve("tunnel-pki"), 100);
    SSLContext client = TlsEnds.padlockClient(pki, MutualTls.TlsProvider.JDK)
        .versions(MutualTls.Version.TLS_1_3).cipherSuites("TLS_AES_128_GCM_SHA256").build().sslContext();
    List<AutoCloseable> open = new ArrayList<>();
    Process stunnel = null;
    try {
      Sinks.Sink direct = track(open, new Sinks.Sink(TlsEnds.padlockServer(pki, provider).build().sslContext(),
          "direct"));
      Sinks.Sink behindTunnel = track(open, new Sinks.Sink(null, "tunnel"));
      Tunnel tunnel = track(open, Tunnel.server(TlsEnds.padlockServer(pki, provider), loopback(0),
          loopback(behindTunnel.port())).start());
      Sinks.Sink behindJdkTunnel = track(open, new Sinks.Sink(null, "tunnel-jdk"));
      Tunnel jdkTunnel = track(open, Tunnel.server(TlsEnds.padlockServer(pki, MutualTls.TlsProvider.JDK),
          loopback(0), loopback(behindJdkTunnel.port())).start());

      List<Harness.Workload> w = new ArrayList<>();
      w.add(workload("direct", track(open, sender(client, direct.port(), direct))));
      w.add(workload("tunnel", track(open, sender(client, tunnel.address().getPort(), behindTunnel))));
      w.add(workload("tunnel_jdk", track(open, sender(client, jdkTunnel.address().getPort(), behindJdkTunnel))));
      // The other direction, a download: the server end sends, the same client reads.
      java.net.ServerSocket directSource = track(open, TlsEnds.padlockServer(pki, provider).build().sslContext()
          .getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress()));
      w.add(workload("download_direct", Sinks.download(directSource,
          () -> connect(client, directSource.getLocalPort()), "download-direct", open)));
      java.net.ServerSocket plainSource = track(open, new java.net.ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
      Tunnel downloadTunnel = track(open, Tunnel.server(TlsEnds.padlockServer(pki, provider), loopback(0),
          loopback(plainSource.getLocalPort())).start());
      w.add(workload("download_tunnel", Sinks.download(plainSource,
          () -> connect(client, downloadTunnel.address().getPort()), "download-tunnel", open)));
      String stunnelSkipped = null;
      if (!plan.peers()) {
        stunnelSkipped = "peers are off in the " + plan.name() + " plan";
      } else if (stunnelBinary() == null) {
        stunnelSkipped = "stunnel4 is not installed";
      } else {
        try {
          Sinks.Sink behindStunnel = track(open, new Sinks.Sink(null, "stunnel"));
          int port = Processes.freePort();
          stunnel = startStunnel(work, pki, port, behindStunnel.port());
          w.add(workload("stunnel", track(open, sender(client, port, behindStunnel))));
        } catch (Exception e) {
          stunnelSkipped = "stunnel failed: " + Bench.firstLine(e);
        }
      }
      Bench.log("tunnel: %s, interleaved", w.stream().map(Harness.Workload::name).toList());
      double[][] r = Harness.interleave(plan.window(), MtlsBench.warmups(plan), MtlsBench.runs(plan),
          w.toArray(Harness.Workload[]::new));
      report.measured("tunnel_direct_mb_s", Stats.of(r[0]), "MiB/s",
          "direct: a padlock TLS server (BOUNCY_CASTLE) reads the bytes itself");
      report.measured("tunnel_mb_s", Stats.of(r[1]), "MiB/s",
          "padlock tunnel server (BOUNCY_CASTLE, the CLI's default) -> plain TCP reader");
      report.measured("tunnel_jdk_mb_s", Stats.of(r[2]), "MiB/s", "the same tunnel on --tls-provider jdk");
      report.ratio("tunnel_vs_direct", Stats.of(MtlsBench.div(r[1], r[0])), Report.Target.atLeast(0.8),
          "per round");
      report.ratio("tunnel_jdk_vs_direct", Stats.of(MtlsBench.div(r[2], r[0])), null, "per round");
      report.measured("tunnel_download_direct_mb_s", Stats.of(r[3]), "MiB/s",
          "download: a padlock TLS server (BOUNCY_CASTLE) sends, the client reads");
      report.measured("tunnel_download_mb_s", Stats.of(r[4]), "MiB/s",
          "download: a plain TCP sender behind padlock tunnel server (BOUNCY_CASTLE) -> the same client");
      report.ratio("tunnel_download_vs_direct", Stats.of(MtlsBench.div(r[4], r[3])), Report.Target.atLeast(0.8),
          "per round");
      if (stunnelSkipped == null) {
        report.measured("stunnel_mb_s", Stats.of(r[5]), "MiB/s", "stunnel4 server (requireCert, CRLfile) -> plain TCP reader");
        report.ratio("tunnel_vs_stunnel", Stats.of(MtlsBench.div(r[1], r[5])), Report.Target.atLeast(1.0),
            "per round");
      } else {
        report.skipped("tunnel_vs_stunnel", stunnelSkipped);
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          // closing anyway
        }
      }
      if (stunnel != null) {
        Processes.stop(stunnel);
      }
    }
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T c) {
    open.add(c);
    return c;
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** MiB per op. */
  private static Harness.Workload workload(String name, Sinks.Sender sender) {
    return new Harness.Workload(name, 1, t -> sender::sendMiB);
  }

  private static Sinks.Sender sender(SSLContext client, int port, Sinks.Sink sink) throws IOException {
    return new Sinks.Sender(connect(client, port), sink);
  }

  private static SSLSocket connect(SSLContext client, int port) throws IOException {
    SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
    s.setTcpNoDelay(true);
    s.startHandshake();
    return s;
  }

  private static String stunnelBinary() {
    return Processes.which("stunnel4").or(() -> Processes.which("stunnel")).map(Path::toString).orElse(null);
  }

  /** stunnel as a mutual-TLS server: client certificate required and verified, the same CRL. */
  private static Process startStunnel(Path work, TlsPki pki, int port, int target) throws Exception {
    Path dir = Files.createDirectories(work.resolve("stunnel"));
    Path conf = dir.resolve("stunnel.conf");
    Files.writeString(conf, String.join("\n",
        "foreground = yes",
        "pid =",
        "debug = 4",
        "output = " + dir.resolve("stunnel.log"),
        "[bench]",
        "accept = 127.0.0.1:" + port,
        "connect = 127.0.0.1:" + target,
        "cert = " + pki.serverChain,
        "key = " + pki.serverKey,
        "CAfile = " + pki.root,
        "verifyChain = yes",
        "requireCert = yes",
        "CRLfile = " + pki.crl,
        "sslVersionMin = TLSv1.2",
        ""));
    Process p = new ProcessBuilder(stunnelBinary(), conf.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stunnel.out").toFile()).start();
    Processes.awaitPort(port, p, 10_000);
    return p;
  }
}
