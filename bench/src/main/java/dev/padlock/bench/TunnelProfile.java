package dev.padlock.bench;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.tunnel.Tunnel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The tunnel section's paths one at a time, for a profiler ({@code bench/run --profile tunnel|tunnel-direct|
 * tunnel-direct-buffered|tunnel-jdk}): the same sender as {@link TunnelBench} for the given time, then the CPU time each thread spent
 * per GiB delivered. On a machine with as many busy threads as cores, throughput is what that sum allows.
 * {@code tunnel-direct-buffered} is the direct server reading its socket through a 64 KiB buffer, as the
 * tunnel's TLS side does (not what a padlock server does: for comparison only).
 */
final class TunnelProfile {
  private TunnelProfile() {}

  static void run(String scenario, Path work, Duration length) throws Exception {
    TlsPki pki = TlsPki.create(work.resolve("tunnel-pki"), 100);
    SSLContext client = TlsEnds.padlockClient(pki, MutualTls.TlsProvider.JDK)
        .versions(MutualTls.Version.TLS_1_3).cipherSuites("TLS_AES_128_GCM_SHA256").build().sslContext();
    MutualTls.TlsProvider provider = scenario.equals("tunnel-jdk") ? MutualTls.TlsProvider.JDK
        : MutualTls.TlsProvider.BOUNCY_CASTLE;
    Tunnel tunnel = null;
    Sinks.Sink sink;
    int port;
    if (scenario.equals("tunnel-direct")) {
      sink = new Sinks.Sink(TlsEnds.padlockServer(pki, provider).build().sslContext(), "direct");
      port = sink.port();
    } else if (scenario.equals("tunnel-direct-buffered")) {
      sink = new Sinks.Sink(TlsEnds.padlockServer(pki, provider).build().sslContext(), "direct", true);
      port = sink.port();
    } else {
      sink = new Sinks.Sink(null, "plain");
      tunnel = Tunnel.server(TlsEnds.padlockServer(pki, provider),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.port())).start();
      port = tunnel.address().getPort();
    }
    Thread.currentThread().setName("bench-sender");
    SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
    s.setTcpNoDelay(true);
    s.startHandshake();
    try (Sinks.Sender sender = new Sinks.Sender(s, sink); sink) {
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < end) {
        sender.sendMiB(); // warm-up
      }
      Map<String, Long> cpu0 = cpuByThread();
      long bytes0 = sink.received();
      long t0 = System.nanoTime();
      end = t0 + length.toNanos();
      while (System.nanoTime() < end) {
        sender.sendMiB();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double gib = (sink.received() - bytes0) / (double) (1L << 30);
      Map<String, Long> cpu1 = cpuByThread();
      Bench.log("%s: %.0f MiB/s over %.0f s", scenario, gib * 1024 / secs, secs);
      double total = 0;
      for (var e : cpu1.entrySet()) {
        double ms = (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)) / 1e6;
        if (ms / secs > 10) {
          Bench.log("  %-32s %7.0f ms CPU per GiB (%3.0f%% of a core)", e.getKey(), ms / gib, ms / secs / 10);
          total += ms;
        }
      }
      Bench.log("  %-32s %7.0f ms CPU per GiB (user+sys of these threads)", "total", total / gib);
    } finally {
      if (tunnel != null) {
        tunnel.close();
      }
    }
  }

  /** CPU nanoseconds by thread name (same names added up). */
  private static Map<String, Long> cpuByThread() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> m = new TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long t = mx.getThreadCpuTime(id);
      if (info != null && t > 0) {
        m.merge(info.getThreadName().replaceAll("-\\d+$", "-N"), t, Long::sum);
      }
    }
    return m;
  }
}
