package dev.padlock.cli;

import dev.padlock.tls.enroll.CredentialFiles;
import dev.padlock.tls.enroll.EstException;
import dev.padlock.tls.enroll.Renewer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "renew", header = "Renew a certificate over EST (mutual TLS) when it is due.", sortOptions = false,
    description = {
        "Renew the certificate in --cert once two thirds of its lifetime have passed (--renew-at),",
        "over EST simplereenroll, authenticated by the certificate itself over mutual TLS, and replace",
        "the files whole. Without --daemon it is a one-shot for cron that does nothing until due.",
        "If the CA cannot be reached it retries with backoff and jitter, keeping the current",
        "certificate. Exit codes: 0 renewed or not due, 3 refused (e.g. revoked), 4 CA unreachable",
        "(certificate still valid), 5 the certificate expired while the CA stayed unreachable.",
        "",
        "Examples:",
        "  padlock renew --server https://ca.internal:8443 --cert dev.pem --key dev.key",
        "  padlock renew --server https://ca.internal:8443 --cert svc.pem --key svc.key --daemon \\",
        "      --exec 'systemctl reload nginx'"
    })
final class RenewCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "URL", description = "The CA server, https://HOST:PORT.")
  URI server;

  @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The certificate (then its issuers).")
  Path cert;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "Its key.")
  Path key;

  @Option(names = "--ca", paramLabel = "FILE", description = "The CA root. Default: ca.pem beside --cert.")
  Path ca;

  @Option(names = "--daemon", description = "Keep running: renew each time the certificate is due.")
  boolean daemon;

  @Option(names = "--exec", paramLabel = "CMD", description = "Run CMD (with sh -c) after each renewal; "
      + "PADLOCK_CERT and PADLOCK_KEY name the files.")
  String exec;

  @Option(names = "--rekey", description = "Make a new key at each renewal. Default: keep the key.")
  boolean rekey;

  @Option(names = "--renew-at", paramLabel = "SHARE", defaultValue = "0.6667",
      description = "Renew after this share of the lifetime. Default: ${DEFAULT-VALUE}.")
  double renewAt;

  @Option(names = "--attempts", paramLabel = "N", defaultValue = "5",
      description = "One-shot: attempts before giving up (exit 4). Default: ${DEFAULT-VALUE}.")
  int attempts;

  RenewCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Renewer renewer;
    try {
      Path caFile = ca != null ? ca : cert.toAbsolutePath().resolveSibling("ca.pem");
      List<X509Certificate> roots = CredentialFiles.readCertificates(caFile);
      CredentialFiles.readPrivateKey(key); // refuse an unreadable key before anything else
      renewer = Renewer.builder(server, cert, key, roots).renewAt(renewAt).rekey(rekey).clock(ctx.clock())
          .sleeper(ctx.sleeper()).listener(new Log(out)).build();
    } catch (IOException e) {
      throw CliException.invalidInput(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    try {
      if (daemon) {
        out.println("Renewing " + cert + " whenever it is due (Ctrl-C stops)");
        out.flush();
        renewer.runForever();
      } else {
        renewer.renewIfDue(Math.max(1, attempts));
      }
    } catch (Renewer.ExpiredException e) {
      throw new CliException(ExitCodes.EXPIRED, e.getMessage());
    } catch (Renewer.GaveUpException e) {
      if (e.getCause() instanceof EstException est && !est.unreachable()) {
        throw EnrollCommand.failure(est, "renewal");
      }
      throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
    } catch (IOException e) {
      throw CliException.invalidInput(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Log implements Renewer.Listener {
    private final PrintWriter out;

    Log(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void notDue(X509Certificate current, Instant dueAt) {
      if (!daemon) {
        out.println("Not due: " + cert + " (valid until " + current.getNotAfter().toInstant() + ") is renewed from "
            + dueAt);
        out.flush();
      }
    }

    @Override
    public void renewed(X509Certificate previous, X509Certificate renewed) {
      out.println(ctx.clock().instant() + " renewed " + cert + ": new certificate "
          + renewed.getSerialNumber().toString(16).toUpperCase() + " valid until " + renewed.getNotAfter().toInstant()
          + (rekey ? " (new key)" : ""));
      out.flush();
      if (exec != null) {
        runExec();
      }
    }

    @Override
    public void clockSkew(X509Certificate renewed, Instant dueAt, Duration wait) {
      out.println(ctx.clock().instant() + " warning: the new certificate is due already (from " + dueAt + "): this "
          + "machine's clock runs ahead of the CA's; waiting " + wait.toMinutes() + " min before trying again");
      out.flush();
    }

    @Override
    public void retrying(EstException failure, int attempt, Duration wait) {
      out.println(ctx.clock().instant() + " attempt " + attempt + " failed (" + failure.getMessage() + "); keeping "
          + "the current certificate, retrying in " + wait.toSeconds() + " s");
      out.flush();
    }

    private void runExec() {
      try {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", exec).redirectErrorStream(true);
        pb.environment().put("PADLOCK_CERT", cert.toAbsolutePath().toString());
        pb.environment().put("PADLOCK_KEY", key.toAbsolutePath().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!output.isBlank()) {
          out.print(output.endsWith("\n") ? output : output + "\n");
        }
        out.println("  --exec " + (done ? "exited " + p.exitValue() : "still running after 5 min: left alone"));
      } catch (IOException e) {
        out.println("  --exec failed to start: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.flush();
    }
  }
}
