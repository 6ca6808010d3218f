package dev.padlock.cli;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.pem.Pem;
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
        "Run the whole story in a temporary directory and narrate each step: create a CA, issue a",
        "server and a client certificate (one from an openssl CSR), check them with openssl,",
        "revoke one, publish the CRL and watch openssl refuse the revoked certificate, start",
        "'padlock serve', enroll a device over EST (RFC 7030) with a one-time token using curl and",
        "openssl, check it with openssl verify and OCSP, verify the audit log. Exits 0 when every",
        "step did what it should."
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
    Path ca = work.resolve("ca");
    Path pass = work.resolve("passphrase");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    Files.writeString(pass, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
    String[] caArgs = {"--dir", ca.toString(), "--passphrase-file", pass.toString()};
    String[] readArgs = {"--dir", ca.toString()};
    boolean haveOpenssl = openssl("version").exit == 0;

    narrate("Create a CA: a root and an issuing CA, keys encrypted with a passphrase");
    padlock(with(caArgs, "init", "--name", "Quickstart"));

    narrate("Issue a server certificate for localhost; padlock generates the key");
    padlock(with(caArgs, "issue", "--profile", "server", "--cn", "localhost", "--san", "dns:localhost", "--san",
        "ip:127.0.0.1", "--key-out", file("server.key"), "--out", file("server.pem"), "--chain-out",
        file("server-fullchain.pem")));

    narrate("Issue a client certificate for alice; padlock generates the key");
    padlock(with(caArgs, "issue", "--profile", "client", "--cn", "alice", "--key-out", file("alice.key"),
        "--out", file("alice.pem")));

    if (haveOpenssl) {
      narrate("Issue a client certificate for bob from a CSR made by openssl (bob keeps his key)");
      expectOk(openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", file("bob.key"), "-subj", "/CN=bob", "-out", file("bob.csr")));
      padlock(with(caArgs, "issue", "--profile", "client", "--csr", file("bob.csr"), "--out", file("bob.pem")));
    }

    narrate("Export the CA chain (issuing CA, then root) for whoever must trust these certificates");
    padlock(with(readArgs, "export-chain", "--out", file("ca-chain.pem")));

    String root = ca.resolve("root.pem").toString();
    String issuing = ca.resolve("issuing.pem").toString();
    if (haveOpenssl) {
      narrate("openssl, the independent judge, accepts the server and client certificates");
      expectOk(openssl("verify", "-purpose", "sslserver", "-CAfile", root, "-untrusted", issuing, file("server.pem")));
      expectOk(openssl("verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, file("alice.pem"),
          file("bob.pem")));
    }

    narrate("List what the CA issued");
    padlock(with(readArgs, "list"));

    String serial = new SerialNumber(Pem.readCertificate(Files.readAllBytes(work.resolve("alice.pem")), "alice.pem")
        .getSerialNumber()).hex();
    narrate("alice's laptop was stolen: revoke her certificate");
    padlock(with(caArgs, "revoke", serial, "--reason", "keyCompromise"));

    narrate("Publish the CRL");
    padlock(with(caArgs, "crl", "--pem", "--out", file("crl.pem")));

    if (haveOpenssl) {
      narrate("openssl checks the CRL's signature and sees alice's serial in it");
      Result crl = expectOk(openssl("crl", "-in", file("crl.pem"), "-noout", "-text", "-CAfile", issuing, "-verify"));
      if (!crl.output.toUpperCase().contains(serial.toUpperCase())) {
        throw fail("the CRL does not list serial " + serial);
      }
      narrate("With the CRL, openssl refuses alice's certificate as revoked and still accepts bob's");
      Result revoked = openssl("verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile",
          file("crl.pem"), file("alice.pem"));
      if (revoked.exit == 0 || !revoked.output.contains("certificate revoked")) {
        throw fail("openssl did not refuse the revoked certificate");
      }
      out.println("  (refused, as it should be)");
      expectOk(openssl("verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", file("crl.pem"),
          file("bob.pem")));
    } else {
      out.println();
      out.println("(openssl is not installed: skipping the independent checks; apt-get install openssl)");
    }

    if (haveOpenssl && tool("curl", "--version")) {
      serverStory(caArgs, root, issuing);
    } else {
      out.println();
      out.println("(openssl or curl is not installed: skipping the EST enrollment; apt-get install openssl curl)");
    }

    narrate("Check the audit log's hash chain");
    padlock(with(readArgs, "audit", "verify"));
  }

  /** The server part: serve in the background, a token, a device enrolling over EST with curl and openssl. */
  private void serverStory(String[] caArgs, String root, String issuing) {
    String[] serveArgs = with(caArgs, "serve", "--bind", "127.0.0.1", "--port", "0", "--http-port", "0");
    narrate("Start the CA server in the background: EST and the JSON API over HTTPS, CRL and OCSP over HTTP");
    out.println("$ padlock " + display(serveArgs) + " &");
    CommandLine serve = PadlockCli.newCommandLine(ctx);
    ServeCommand command = serve.parseArgs(serveArgs).subcommand().commandSpec().commandLine().getCommand();
    try (dev.padlock.server.PadlockServer server = command.start()) {
      String https = "https://localhost:" + server.httpsPort();
      String http = "http://127.0.0.1:" + server.httpPort();
      out.println("  listening: " + https + " (EST, API), " + http + " (CRL, OCSP)");

      narrate("Create a one-time enrollment token for device dev-42 (the CLI works while the server runs)");
      String created = padlock(with(caArgs, "token", "create", "--profile", "device", "--cn", "dev-42", "--ttl", "10m"));
      String[] lines = created.strip().split("\n");
      String token = lines[lines.length - 1].strip();

      narrate("The device makes a key and a CSR with openssl and enrolls over EST with curl (token = Basic password)");
      expectOk(sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout dev-42.key"
          + " -subj /CN=dev-42 -outform DER 2>/dev/null | base64 -w0 > dev-42.csr.b64"));
      expectOk(sh("curl -sS --fail --cacert ca/root.pem -u dev-42:" + token
          + " -H 'Content-Type: application/pkcs10' -H 'Content-Transfer-Encoding: base64' --data-binary @dev-42.csr.b64 "
          + https + "/.well-known/est/simpleenroll | base64 -d | openssl pkcs7 -inform DER -print_certs > dev-42.pem"));

      narrate("openssl verifies the device's certificate, and the OCSP responder says it is good");
      expectOk(openssl("verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, file("dev-42.pem")));
      Result ocsp = expectOk(openssl("ocsp", "-issuer", issuing, "-cert", file("dev-42.pem"), "-url", http + "/ocsp",
          "-CAfile", file("ca-chain.pem")));
      if (!ocsp.output.contains(": good") || !ocsp.output.contains("Response verify OK")) {
        throw fail("the OCSP responder did not vouch for the device's certificate");
      }

      narrate("The token is spent: using it again is refused");
      Result again = sh("curl -sS -o /dev/null -w '%{http_code}' --cacert ca/root.pem -u dev-42:" + token
          + " -H 'Content-Type: application/pkcs10' --data-binary @dev-42.csr.b64 " + https
          + "/.well-known/est/simpleenroll");
      if (!again.output.strip().equals("401")) {
        throw fail("a spent token was not refused (HTTP " + again.output.strip() + ")");
      }
      out.println("  (refused with 401, as it should be)");
      out.println("$ kill %1   # the server stops cleanly");
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
    return new PrintWriter(new java.io.Writer() {
      private boolean lineStart = true;

      @Override
      public void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (lineStart) {
            target.write("  ");
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
