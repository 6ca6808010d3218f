package dev.padlock.cli;

import dev.padlock.ca.SerialNumber;
import com.sun.net.httpserver.HttpServer;
import dev.padlock.ca.pem.Pem;
import dev.padlock.tls.tunnel.Tunnel;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quickstart", header = "Run the whole story in a temporary directory, narrated.", sortOptions = false,
    description = {
        "Run the whole story in a temporary directory and narrate each step: create a CA, start its",
        "server, issue a service certificate, create a one-time token, enroll a device over EST",
        "(and a second one with curl and openssl), put a mutual-TLS tunnel in front of a tiny HTTP",
        "service, call it from the device (200), trace that handshake, revoke the device, watch its",
        "next call refused with the diagnosed cause, verify the audit log, clean up. openssl checks",
        "every certificate, CRL and OCSP answer along the way. Exits 0 when every step did what it",
        "should."
    })
final class QuickstartCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the temporary directory and print where it is.")
  boolean keep;

  private PrintWriter out;
  private Path work;
  private int step;

  QuickstartCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    out = spec.commandLine().getOut();
    try {
      work = Files.createTempDirectory("padlock-quickstart-");
      story();
      out.println();
      out.println("Quickstart finished: every step did what it should.");
    } catch (IOException e) {
      throw new CliException(ExitCodes.INTERNAL, "quickstart: " + e.getMessage(), e);
    } finally {
      if (work != null) {
        if (keep) {
          out.println("Files kept in " + work);
        } else {
          deleteTree(work);
        }
      }
      out.flush();
    }
  }

  private void story() throws IOException {
    if (!tool("openssl", "version") || !tool("curl", "--version")) {
      throw new CliException(ExitCodes.INVALID_INPUT, "the quickstart uses openssl and curl as the independent "
          + "clients: apt-get install openssl curl");
    }
    Path ca = work.resolve("ca");
    Path pass = work.resolve("passphrase");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    Files.writeString(pass, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
    String[] caArgs = {"--dir", ca.toString(), "--passphrase-file", pass.toString()};
    String[] readArgs = {"--dir", ca.toString()};
    int httpPort = freePort();
    String http = "http://127.0.0.1:" + httpPort;

    narrate("Create a CA: a root and an issuing CA, keys encrypted with a passphrase; certificates will point "
        + "to its CRL and OCSP responder at " + http);
    String init = padlock(with(caArgs, "init", "--name", "Quickstart", "--base-url", http));
    String fingerprint = init.substring(init.indexOf("(SHA-256): ") + 11).strip();

    String[] serveArgs = with(caArgs, "serve", "--bind", "127.0.0.1", "--port", "0", "--http-port",
        String.valueOf(httpPort));
    narrate("Start the CA server in the background: EST and the JSON API over HTTPS, CRL and OCSP over HTTP");
    out.println("$ padlock " + display(serveArgs) + " &");
    CommandLine serve = PadlockCli.newCommandLine(ctx);
    ServeCommand command = serve.parseArgs(serveArgs).subcommand().commandSpec().commandLine().getCommand();
    try (dev.padlock.server.PadlockServer server = command.start()) {
      String https = "https://localhost:" + server.httpsPort();
      out.println("  listening: " + https + " (EST, API), " + http + " (CRL, OCSP)");
      serviceAndDeviceStory(caArgs, https, http, fingerprint);
      out.println("$ kill %1   # the CA server stops cleanly");
    }

    narrate("Check the audit log's hash chain: every issuance and revocation above is in it");
    padlock(with(readArgs, "audit", "verify"));
  }

  private void serviceAndDeviceStory(String[] caArgs, String https, String http, String fingerprint)
      throws IOException {
    String root = work.resolve("ca/root.pem").toString();
    String issuing = work.resolve("ca/issuing.pem").toString();

    narrate("Issue the service's server certificate from the CLI; padlock generates the key");
    padlock(with(caArgs, "issue", "--profile", "server", "--cn", "localhost", "--san", "dns:localhost", "--san",
        "ip:127.0.0.1", "--key-out", file("service.key"), "--out", file("service.pem"), "--chain-out",
        file("service-fullchain.pem")));
    expectOk(openssl("verify", "-purpose", "sslserver", "-CAfile", root, "-untrusted", issuing, file("service.pem")));

    narrate("Create a one-time enrollment token for device dev-42 (the CLI works while the server runs)");
    String token = lastLine(padlock(with(caArgs, "token", "create", "--profile", "device", "--cn", "dev-42", "--san",
        "uri:spiffe://quickstart/device/42", "--ttl", "10m")));

    narrate("The device enrolls over EST: its key is made on the device, the CA is trusted by its fingerprint");
    padlock(new String[] {"enroll", "--server", https, "--token", token, "--cn", "dev-42", "--san",
        "uri:spiffe://quickstart/device/42", "--ca-fingerprint", fingerprint, "--key-out", file("dev-42.key"),
        "--cert-out", file("dev-42.pem")});
    expectOk(openssl("verify", "-purpose", "sslclient", "-CAfile", file("ca.pem"), "-untrusted", file("dev-42.pem"),
        file("dev-42.pem")));
    Result ocsp = expectOk(openssl("ocsp", "-issuer", issuing, "-cert", file("dev-42.pem"), "-url", http + "/ocsp",
        "-CAfile", root));
    require(ocsp.output.contains(": good") && ocsp.output.contains("Response verify OK"),
        "the OCSP responder did not vouch for the device's certificate");

    narrate("Any EST client works: a second device enrolls with nothing but openssl and curl; its token is then "
        + "spent");
    String token2 = lastLine(padlock(with(caArgs, "token", "create", "--profile", "device", "--cn", "dev-43")));
    expectOk(sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout dev-43.key"
        + " -subj /CN=dev-43 -outform DER 2>/dev/null | base64 -w0 > dev-43.csr.b64"));
    String estCurl = "curl -sS --cacert ca/root.pem -u dev-43:" + token2 + " -H 'Content-Type: application/pkcs10'"
        + " -H 'Content-Transfer-Encoding: base64' --data-binary @dev-43.csr.b64 " + https
        + "/.well-known/est/simpleenroll";
    expectOk(sh(estCurl.replace("curl -sS", "curl -sS --fail") + " | base64 -d | openssl pkcs7 -inform DER"
        + " -print_certs > dev-43.pem"));
    expectOk(openssl("verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, file("dev-43.pem")));
    Result again = sh(estCurl.replace("curl -sS", "curl -sS -o /dev/null -w '%{http_code}'"));
    require(again.output.strip().equals("401"), "a spent token was not refused (HTTP " + again.output.strip() + ")");
    out.println("  401 (refused, as it should be)");

    try (Backend backend = new Backend()) {
      int backendPort = backend.port();
      narrate("A tiny plain-HTTP service listens on 127.0.0.1:" + backendPort + "; it knows nothing of TLS");
      out.println("$ curl -sS http://127.0.0.1:" + backendPort + "/");
      out.println("  " + BACKEND_BODY);

      int tunnelPort = freePort();
      int statusPort = freePort();
      String[] tunnelArgs = {"tunnel", "server", "--listen", "127.0.0.1:" + tunnelPort, "--target",
          "127.0.0.1:" + backendPort, "--cert", file("service-fullchain.pem"), "--key", file("service.key"), "--ca",
          root, "--crl", http + "/crl", "--allow-uri", "spiffe://quickstart/device/", "--status",
          "127.0.0.1:" + statusPort};
      narrate("Put mutual TLS in front of it with a tunnel: devices of this CA under spiffe://quickstart/device/ "
          + "only, checked against the CA's CRL");
      out.println("$ padlock " + display(tunnelArgs) + " &");
      StringWriter tunnelLog = new StringWriter();
      PrintWriter tunnelErr = new PrintWriter(new TeeWriter(tunnelLog, indented(out, "  [tunnel] ")), true);
      CommandLine tcl = PadlockCli.newCommandLine(ctx);
      TunnelCommand.Server tunnelCommand = tcl.parseArgs(tunnelArgs).subcommand().subcommand().commandSpec()
          .commandLine().getCommand();
      try (Tunnel tunnel = tunnelCommand.start(indented(out), tunnelErr)) {
        String device = "curl -sS --cacert " + file("ca.pem") + " --cert " + file("dev-42.pem") + " --key "
            + file("dev-42.key") + " -w ' (HTTP %{http_code})\\n' https://localhost:" + tunnelPort + "/";
        narrate("The device calls the service through the tunnel");
        Result call = sh(device);
        printIndented(call.output);
        require(call.exit == 0 && call.output.contains(BACKEND_BODY) && call.output.contains("HTTP 200"),
            "the device's call through the tunnel failed: " + call.output.strip());

        narrate("What that handshake did, step by step");
        padlock(new String[] {"trace", "localhost:" + tunnelPort, "--ca", file("ca.pem"), "--cert", file("dev-42.pem"),
            "--key", file("dev-42.key")});

        String serial = new SerialNumber(Pem.readCertificate(Files.readAllBytes(work.resolve("dev-42.pem")),
            "dev-42.pem").getSerialNumber()).hex();
        narrate("dev-42 was stolen: revoke its certificate; OCSP says so at once, and the new CRL lists it");
        padlock(with(caArgs, "revoke", serial, "--reason", "keyCompromise"));
        Result revokedOcsp = expectOk(openssl("ocsp", "-issuer", issuing, "-cert", file("dev-42.pem"), "-url",
            http + "/ocsp", "-CAfile", root));
        require(revokedOcsp.output.contains(": revoked"), "OCSP did not report the revocation");
        padlock(with(caArgs, "crl", "--pem", "--out", file("crl.pem")));
        Result byCrl = openssl("verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile",
            file("crl.pem"), file("dev-42.pem"));
        require(byCrl.exit != 0 && byCrl.output.contains("certificate revoked"), "openssl did not refuse it");

        narrate("The tunnel fetches the CA's CRL every 5 minutes (--crl-refresh); tell it to now");
        expectOk(sh("curl -sS -X POST http://127.0.0.1:" + statusPort + "/reload"));

        narrate("The device's next call is refused, and the tunnel says why");
        Result refused = sh(device);
        printIndented(refused.output);
        require(refused.exit != 0 && !refused.output.contains(BACKEND_BODY), "the revoked device got through");
        awaitLog(tunnelLog, "peer certificate revoked");
        Result status = expectOk(sh("curl -sS http://127.0.0.1:" + statusPort + "/status"));
        printIndented(status.output);
        out.println("$ kill %2   # the tunnel stops");
      }
    }
  }

  static final String BACKEND_BODY = "hello from the plain service";

  /** The tiny plain-HTTP service the tunnel protects. */
  private static final class Backend implements AutoCloseable {
    private final HttpServer server;

    Backend() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext("/", ex -> {
        byte[] b = BACKEND_BODY.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (var o = ex.getResponseBody()) {
          o.write(b);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private void printIndented(String text) {
    for (String line : text.strip().split("\n")) {
      out.println("  " + line);
    }
    out.flush();
  }

  private static void require(boolean condition, String failure) {
    if (!condition) {
      throw fail(failure);
    }
  }

  /** Waits (up to 10 s) for the tunnel to log a line: it logs on its own thread. */
  private static void awaitLog(StringWriter log, String text) {
    for (int i = 0; i < 200 && !log.toString().contains(text); i++) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!log.toString().contains(text)) {
      throw fail("the tunnel did not log '" + text + "'");
    }
  }

  /** Writes to two writers. */
  private static final class TeeWriter extends java.io.Writer {
    private final java.io.Writer a;
    private final java.io.Writer b;

    TeeWriter(java.io.Writer a, java.io.Writer b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  private boolean tool(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A shell pipeline of the peers (curl, openssl, base64), shown as typed. */
  private Result sh(String script) {
    out.println("$ " + script.replace(work.toString(), "$Q"));
    out.flush();
    try {
      Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", script).directory(work.toFile())
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw fail("'" + script + "' did not finish");
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      return new Result(127, "bash not found");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted");
    }
  }

  private void narrate(String text) {
    out.println();
    out.println("== " + (++step) + ". " + text);
    out.flush();
  }

  private String file(String name) {
    return work.resolve(name).toString();
  }

  private static String[] with(String[] common, String... args) {
    // the subcommand (and its sub-subcommand) first, then the shared options, then the rest
    List<String> all = new ArrayList<>();
    int i = 0;
    all.add(args[i++]);
    if (args[0].equals("audit") || args[0].equals("token")) {
      all.add(args[i++]);
    }
    all.addAll(List.of(common));
    all.addAll(List.of(args).subList(i, args.length));
    return all.toArray(String[]::new);
  }

  /** Runs a padlock command, shows its output indented, and returns what it printed on stdout. */
  private String padlock(String[] args) {
    out.println("$ padlock " + display(args));
    out.flush();
    CommandLine cl = PadlockCli.newCommandLine(ctx);
    java.io.StringWriter captured = new java.io.StringWriter();
    PrintWriter shown = indented(out);
    cl.setOut(new PrintWriter(new java.io.Writer() {
      @Override
      public void write(char[] buf, int off, int len) {
        captured.write(buf, off, len);
        shown.write(buf, off, len);
      }

      @Override
      public void flush() {
        shown.flush();
      }

      @Override
      public void close() {
        flush();
      }
    }, true));
    cl.setErr(indented(spec.commandLine().getErr()));
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    if (code != 0) {
      throw fail("'padlock " + args[0] + "' exited " + code);
    }
    return captured.toString();
  }

  private String display(String[] args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      String shown = a.startsWith(work.toString()) ? "$Q" + a.substring(work.toString().length()) : a;
      sb.append(sb.length() == 0 ? "" : " ").append(shown.contains(" ") ? "'" + shown + "'" : shown);
    }
    return sb.toString();
  }

  private static PrintWriter indented(PrintWriter target) {
    return indented(target, "  ");
  }

  private static PrintWriter indented(PrintWriter target, String prefix) {
    return new PrintWriter(new java.io.Writer() {
      private boolean lineStart = true;

      @Override
      public void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (lineStart) {
            target.write(prefix);
          }
          target.write(buf[i]);
          lineStart = buf[i] == '\n';
        }
      }

      @Override
      public void flush() {
        target.flush();
      }

      @Override
      public void close() {
        flush();
      }
    }, true);
  }

  private record Result(int exit, String output) {}

  private Result openssl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw fail("openssl " + args[0] + " did not finish");
      }
      if (!args[0].equals("version")) {
        out.println("$ openssl " + display(args));
        for (String line : output.split("\n")) {
          if (shown(args[0], line)) {
            out.println("  " + line);
          }
        }
        out.flush();
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      return new Result(127, "openssl not found");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted");
    }
  }

  /** openssl's output, trimmed to what the story needs (the CRL's header and entries, not its signature bytes). */
  private static boolean shown(String command, String line) {
    if (line.isBlank() || line.matches("-+")) {
      return false;
    }
    if (!command.equals("crl")) {
      return true;
    }
    String t = line.trim();
    return t.equals("verify OK") || t.startsWith("Issuer:") || t.startsWith("Last Update") || t.startsWith("Next Update")
        || t.startsWith("X509v3 CRL Number") || t.matches("\\d+") || t.startsWith("Serial Number")
        || t.startsWith("Revocation Date") || t.equals("Key Compromise");
  }

  private Result expectOk(Result r) {
    if (r.exit != 0) {
      throw fail("openssl exited " + r.exit + ": " + r.output.strip());
    }
    return r;
  }

  private static CliException fail(String message) {
    return new CliException(ExitCodes.INTERNAL, "quickstart failed: " + message);
  }

  private static void deleteTree(Path p) {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
