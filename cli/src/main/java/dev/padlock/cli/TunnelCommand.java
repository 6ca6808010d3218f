package dev.padlock.cli;

import dev.padlock.ca.DurationText;
import dev.padlock.tls.MutualTls;
import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.RefusedHandshake;
import dev.padlock.tls.tunnel.Tunnel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tunnel", header = "Put mutual TLS in front of a plain TCP service, or behind a plain client.",
    subcommands = {TunnelCommand.Server.class, TunnelCommand.Client.class})
final class TunnelCommand implements Runnable {
  /**
   * The handshake module's log of refused handshakes, which this command prints itself, with the fix (its
   * errors still show). Held here: java.util.logging forgets the level of a logger nobody references.
   */
  private static final java.util.logging.Logger LIBRARY_REPORTS =
      java.util.logging.Logger.getLogger("dev.padlock.tls.handshake");
  /**
   * Bouncy Castle's JSSE logs every connection at INFO and every peer that resets at WARNING, with a stack
   * trace; refusals are printed by this command with their diagnosed cause, so only its errors show.
   */
  private static final java.util.logging.Logger BC_JSSE = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");

  /** The TLS implementation, as the --tls-provider option names it. */
  enum Provider {
    bc(MutualTls.TlsProvider.BOUNCY_CASTLE, "Bouncy Castle"), jdk(MutualTls.TlsProvider.JDK, "the JDK's SunJSSE");

    final MutualTls.TlsProvider value;
    final String shown;

    Provider(MutualTls.TlsProvider value, String shown) {
      this.value = value;
      this.shown = shown;
    }
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options both ends share: identity, trust, revocation, status. */
  static final class Common {
    @Option(names = "--listen", required = true, paramLabel = "ADDR", description = "HOST:PORT to listen on.")
    String listen;

    @Option(names = "--target", required = true, paramLabel = "ADDR", description = "HOST:PORT to forward to.")
    String target;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "Our certificate (then its issuers), PEM.")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Our key, PEM.")
    Path key;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "The CA root(s) peers must chain to.")
    Path ca;

    @Option(names = "--crl", paramLabel = "FILE|URL", description = "A CRL to check peers against. Repeatable.")
    List<String> crls = new ArrayList<>();

    @Option(names = "--crl-refresh", paramLabel = "DURATION", defaultValue = "5m",
        description = "How often CRLs are re-read (also before their nextUpdate). Default: ${DEFAULT-VALUE}.")
    String crlRefresh;

    @Option(names = "--ocsp", description = "Ask the OCSP responder named in the peer's certificate.")
    boolean ocsp;

    @Option(names = "--soft-fail", description = "Accept peers when revocation data is missing or stale "
        + "(logged). Default: refuse them.")
    boolean softFail;

    @Option(names = "--status", paramLabel = "ADDR",
        description = "Serve counters on http://ADDR/status and POST /reload there (bind it to loopback).")
    String status;

    @Option(names = "--tls-provider", paramLabel = "bc|jdk", defaultValue = "bc",
        description = "The TLS implementation: bc (Bouncy Castle's JSSE with its own P-256: 1.3-2x the full "
            + "handshakes/s of the JDK's on Java 17, bulk data at 0.86-0.98x; nothing is registered JVM-wide) or "
            + "jdk (SunJSSE: for a FIPS-configured JDK; a key in a token gets it anyway). Both check and diagnose "
            + "peers the same way. Default: ${DEFAULT-VALUE}.")
    Provider tlsProvider;

    @Option(names = "--reload-interval", paramLabel = "DURATION", defaultValue = "30s",
        description = "How often changed certificate, key and CA files are picked up. Default: ${DEFAULT-VALUE}.")
    String reloadInterval;

    RevocationSource revocation() {
      if (crls.isEmpty() && !ocsp) {
        return RevocationSource.none();
      }
      RevocationSource.Builder b = RevocationSource.builder().refreshInterval(DurationText.parse(crlRefresh));
      for (String c : crls) {
        if (c.startsWith("http://") || c.startsWith("https://")) {
          b.crlUrl(URI.create(c));
        } else {
          b.crlFile(Path.of(c));
        }
      }
      if (ocsp) {
        b.ocsp();
      }
      if (softFail) {
        b.softFail();
      }
      return b.build();
    }

    <B extends MutualTls.Builder<B>> B configure(B b, CliContext ctx) throws IOException {
      return b.trust(TrustBundle.fromPem(ca)).revocation(revocation()).clock(ctx.clock())
          .reloadCheckInterval(DurationText.parse(reloadInterval)).tlsProvider(tlsProvider.value);
    }

    TlsIdentity identity() throws IOException {
      return TlsIdentity.fromPem(cert, key);
    }
  }

  @Command(name = "server", header = "Terminate mutual TLS on --listen and forward plain TCP to --target.",
      sortOptions = false,
      description = {
          "Accept TLS on --listen, require a client certificate that chains to --ca, is not revoked",
          "(--crl, --ocsp), has EKU clientAuth and is allowed (--allow-*), then connect to --target and",
          "copy bytes both ways. Renewed certificates and fresh CRLs are picked up without dropping",
          "connections. Every refused client is logged with its diagnosed cause. With no --allow-*",
          "option nobody is allowed: name who may connect, or pass --allow-all.",
          "",
          "Example:",
          "  padlock tunnel server --listen 0.0.0.0:8443 --target 127.0.0.1:8080 \\",
          "      --cert svc.pem --key svc.key --ca ca.pem --crl http://ca.internal:8080/crl \\",
          "      --allow-uri spiffe://acme/device/42 --status 127.0.0.1:9000"
      })
  static final class Server implements Runnable {
    private final CliContext ctx;

    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(names = "--allow-all", description = "Allow every client whose certificate is trusted.")
    boolean allowAll;

    @Option(names = "--allow-cn", paramLabel = "CN", description = "Allow this subject common name. Repeatable.")
    List<String> cns = new ArrayList<>();

    @Option(names = "--allow-dns", paramLabel = "NAME", description = "Allow this DNS SAN. Repeatable.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--allow-uri", paramLabel = "URI",
        description = "Allow this URI SAN (a SPIFFE ID); a value ending in '/' or '*' allows every URI under it.")
    List<String> uris = new ArrayList<>();

    @Option(names = "--allow-ip", paramLabel = "ADDRESS", description = "Allow this IP SAN. Repeatable.")
    List<String> ips = new ArrayList<>();

    @Option(names = "--allow-email", paramLabel = "ADDRESS", description = "Allow this email SAN. Repeatable.")
    List<String> emails = new ArrayList<>();

    Server(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      runUntilStopped(start(spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    /** Starts the tunnel and returns it running (the quickstart uses this; {@link #run} waits for SIGTERM). */
    Tunnel start(PrintWriter out, PrintWriter err) {
      PeerPolicy policy = policy();
      try {
        MutualTls.ServerBuilder tls = common.configure(MutualTls.server(common.identity()), ctx).peerPolicy(policy);
        Tunnel.Builder b = Tunnel.server(tls, address(common.listen), address(common.target))
            .listener(e -> logRefused(err, e));
        return started(b, common, out, "server", "mutual TLS in (client certificates required; allowed: "
            + describePolicy() + "), plain TCP out");
      } catch (IOException e) {
        throw CliException.invalidInput("tunnel: " + e.getMessage());
      }
    }

    private String describePolicy() {
      if (allowAll) {
        return "any trusted client";
      }
      List<String> rules = new ArrayList<>();
      cns.forEach(c -> rules.add("cn " + c));
      dns.forEach(d -> rules.add("dns " + d));
      uris.forEach(u -> rules.add("uri " + u));
      ips.forEach(i -> rules.add("ip " + i));
      emails.forEach(e -> rules.add("email " + e));
      return String.join(", ", rules);
    }

    private PeerPolicy policy() {
      if (allowAll) {
        if (!(cns.isEmpty() && dns.isEmpty() && uris.isEmpty() && ips.isEmpty() && emails.isEmpty())) {
          throw CliException.invalidInput("--allow-all cannot be combined with other --allow-* options");
        }
        return PeerPolicy.anyTrustedPeer();
      }
      if (cns.isEmpty() && dns.isEmpty() && uris.isEmpty() && ips.isEmpty() && emails.isEmpty()) {
        throw CliException.invalidInput("nobody is allowed to connect: name who may with --allow-cn, --allow-dns, "
            + "--allow-uri, --allow-ip, --allow-email, or pass --allow-all");
      }
      PeerPolicy.Builder p = PeerPolicy.builder();
      cns.forEach(p::allowCommonName);
      dns.forEach(p::allowDnsName);
      ips.forEach(p::allowIpAddress);
      emails.forEach(p::allowEmail);
      for (String u : uris) {
        if (u.endsWith("/") || u.endsWith("*")) {
          p.allowUriPrefix(u.endsWith("*") ? u.substring(0, u.length() - 1) : u);
        } else {
          p.allowUri(u);
        }
      }
      return p.build();
    }
  }

  @Command(name = "client", header = "Accept plain TCP on --listen and carry it over mutual TLS to --target.",
      sortOptions = false,
      description = {
          "For a program that speaks plain TCP: accept it on --listen (bind it to loopback), connect to",
          "--target over TLS with our certificate, check the server's certificate against --ca, its",
          "host name (--servername, default the --target host) and EKU serverAuth, then copy bytes.",
          "",
          "Example:",
          "  padlock tunnel client --listen 127.0.0.1:5432 --target db.internal:8443 \\",
          "      --cert app.pem --key app.key --ca ca.pem"
      })
  static final class Client implements Runnable {
    private final CliContext ctx;

    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(names = "--servername", paramLabel = "NAME",
        description = "The name the server's certificate must have. Default: the --target host.")
    String serverName;

    Client(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        InetSocketAddress target = address(common.target);
        MutualTls.ClientBuilder tls = common.configure(MutualTls.client(common.identity()), ctx)
            .serverName(serverName != null ? serverName : target.getHostString());
        Tunnel.Builder b = Tunnel.client(tls, address(common.listen), target).listener(e -> logRefused(err, e));
        runUntilStopped(started(b, common, out, "client", "plain TCP in, mutual TLS out (server must be "
            + (serverName != null ? serverName : target.getHostString()) + ")"));
      } catch (IOException e) {
        throw CliException.invalidInput("tunnel: " + e.getMessage());
      }
    }
  }

  private static Tunnel started(Tunnel.Builder b, Common common, PrintWriter out, String mode, String what)
      throws IOException {
    if (common.status != null) {
      b.statusAddress(address(common.status));
    }
    // This command logs every refused handshake itself (logRefused): keep the library's copy out of stderr.
    LIBRARY_REPORTS.setLevel(java.util.logging.Level.SEVERE);
    BC_JSSE.setLevel(java.util.logging.Level.SEVERE);
    Tunnel tunnel = b.start();
    out.println("tunnel " + mode + " listening on " + hostPort(tunnel.address()) + " -> " + common.target + ": "
        + what + "; TLS by " + tunnel.tlsProvider().map(p -> p == MutualTls.TlsProvider.BOUNCY_CASTLE
            ? Provider.bc.shown : Provider.jdk.shown).orElse("a JSSE provider of the caller's"));
    if (tunnel.statusAddress() != null) {
      out.println("status on http://" + hostPort(tunnel.statusAddress()) + "/status (POST /reload re-reads files)");
    }
    out.flush();
    return tunnel;
  }

  /** Runs until SIGTERM or Ctrl-C, then closes the tunnel. */
  private static void runUntilStopped(Tunnel tunnel) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      tunnel.close();
      stopped.countDown();
    }, "padlock-tunnel-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tunnel.close();
    }
  }

  private static void logRefused(PrintWriter err, RefusedHandshake e) {
    err.println(e.time() + " padlock tunnel: refused " + e.peerAddress() + ": " + e.cause().summary() + " (" + e.detail() + ")"
        + e.peerCertificate().map(c -> "; peer " + c).orElse("") + ". Fix: " + e.cause().fix());
    err.flush();
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw CliException.invalidInput("'" + hostPort + "' is not HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw CliException.invalidInput("'" + hostPort + "' is not HOST:PORT");
    }
    if (port < 0 || port > 65535) {
      throw CliException.invalidInput("port " + port + " in '" + hostPort + "' is out of range");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

}
