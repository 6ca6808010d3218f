package dev.padlock.cli;

import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.server.PadlockServer;
import dev.padlock.server.ServerConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", header = "Run the CA server: EST and the JSON API over HTTPS; CRL, OCSP over HTTP.", sortOptions = false,
    description = {
        "Run the CA as a server until stopped (Ctrl-C or SIGTERM stop it cleanly).",
        "HTTPS (--port): EST (RFC 7030) under /.well-known/est/ and the JSON API under /api/v1",
        "(described by /api/v1/openapi.json), with a certificate the CA issues itself",
        "(kept in DIR/server/, renewed before it expires). Plain HTTP (--http-port): only what a",
        "CA publishes to everyone: /crl, /crl.pem, /ca/chain.pem, /ocsp, and /metrics.",
        "Other padlock commands keep working on the same --dir while it runs.",
        "",
        "Examples:",
        "  padlock serve --dir ./ca",
        "  padlock serve --dir ./ca --port 9443 --http-port 9080 --name dns:ca.internal"
    })
final class ServeCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443",
      description = "HTTPS port (EST, API). 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Plain-HTTP port (CRL, OCSP, CA certificates, metrics). 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (all interfaces).")
  String bind;

  @Option(names = "--name", paramLabel = "NAME",
      description = "A name for the server's TLS certificate (dns:HOST or ip:ADDRESS). Repeatable. "
          + "Default: dns:localhost and ip:127.0.0.1.")
  List<String> names = new ArrayList<>();

  ServeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    PadlockServer server = start();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Serving CA at " + ca.dir(ctx).toAbsolutePath());
    out.println("  https://" + bind + ":" + server.httpsPort() + "/.well-known/est/   EST (RFC 7030)");
    out.println("  https://" + bind + ":" + server.httpsPort() + "/api/v1/             JSON API (openapi.json)");
    out.println("  http://" + bind + ":" + server.httpPort() + "/crl  /ocsp  /ca/chain.pem  /metrics");
    out.println("Stop with Ctrl-C or SIGTERM.");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "padlock-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
    }
  }

  /** Starts the server as the options say, without waiting: for this command and the quickstart. */
  PadlockServer start() {
    ServerConfig.Builder b = ServerConfig.builder(ca.dir(ctx)).passphrase(ca.passphraseSource(ctx, false))
        .clock(ctx.clock()).bindAddress(bind).httpsPort(port).httpPort(httpPort);
    for (String n : names) {
      b.tlsName(SubjectAltName.parse(n));
    }
    ServerConfig config;
    try {
      config = b.build();
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    return PadlockServer.start(config);
  }
}
