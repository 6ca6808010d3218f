package dev.padlock.cli;

import dev.padlock.tls.trace.HandshakeTrace;
import dev.padlock.tls.trace.HandshakeTracer;
import dev.padlock.tls.trace.TraceFormat;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "trace", header = "Show a TLS handshake step by step, as a ladder.", sortOptions = false,
    description = {
        "Connect to HOST:PORT, perform a TLS handshake as a client and print it: one line per",
        "message (ClientHello, ServerHello, ... Finished) with its direction, size and time,",
        "and the fields it carries: versions, cipher suites, groups, key shares, server name,",
        "ALPN, signature algorithms, the CAs a server accepts for client certificates, ...",
        "TLS 1.3 messages that travel encrypted are shown too, marked 'encrypted'. Then the",
        "outcome, the negotiated parameters and the server's chain with the verdict on it.",
        "",
        "The server's chain is checked against --ca (else the JDK's trust store), its dates,",
        "EKU serverAuth and the host name; if it fails, the handshake stops there (our",
        "certificate is not sent) and the trace says why. Exit 0 if the handshake completed,",
        "3 if it failed or nothing answered, 2 for bad arguments.",
        "",
        "Examples:",
        "  padlock trace api.internal:8443 --ca root.pem --cert me.pem --key me.key",
        "  padlock trace 127.0.0.1:8443 --servername api.internal --tls1.2 --ca root.pem",
        "  padlock trace api.internal:8443 --ca root.pem --json"
    })
final class TraceCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server ([IPv6]:PORT too).")
  String target;

  @Mixin PeerOptions peer;

  @Option(names = "--json", description = "Print one JSON document instead of the ladder.")
  boolean json;

  TraceCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    HostPort hp = HostPort.parse(target);
    HandshakeTracer.Builder tracer = HandshakeTracer.builder().clock(ctx.clock());
    peer.trust().ifPresent(tracer::trust);
    peer.identity().ifPresent(tracer::identity);
    peer.tls12Only().ifPresent(tls12 -> tracer.offer(tls12 ? HandshakeTracer.Offer.TLS_1_2_ONLY
        : HandshakeTracer.Offer.TLS_1_3_ONLY));
    peer.serverName().ifPresent(tracer::serverName);
    peer.revocation().ifPresent(tracer::revocation);

    HandshakeTrace trace;
    try {
      trace = tracer.build().trace(hp.host(), hp.port());
    } catch (IOException e) {
      throw new CliException(ExitCodes.REFUSED, e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? TraceFormat.json(trace) : TraceFormat.text(trace));
    out.flush();
    if (!trace.outcome().completed()) {
      throw new CliException(ExitCodes.REFUSED, "handshake failed: " + trace.outcome().summary());
    }
  }

  /** HOST:PORT, with IPv6 literals in brackets. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw CliException.invalidInput("expected HOST:PORT, got '" + s + "'");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw CliException.invalidInput("put an IPv6 address in brackets: [" + host + "]:PORT");
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535 || host.isEmpty()) {
        throw CliException.invalidInput("expected HOST:PORT with a port from 1 to 65535, got '"
            + s + "'");
      }
      return new HostPort(host, port);
    }
  }
}
