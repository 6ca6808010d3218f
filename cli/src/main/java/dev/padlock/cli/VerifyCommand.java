package dev.padlock.cli;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.ChainCheck;
import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.diagnose.PeerRole;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", header = "Check a certificate offline, as a padlock peer would.",
    sortOptions = false,
    description = {
        "Validate LEAF.pem (a certificate, optionally followed by its intermediates) with the",
        "same code padlock's trust manager runs in a handshake: the chain to --ca, validity at",
        "--at (default: now), RFC 5280 path validation, revocation from --crl (fail closed: a",
        "--crl that does not cover the issuer refuses), extended key usage for --purpose, and",
        "the host name --host. Prints VALID and exits 0, or exits 3 with the named cause.",
        "",
        "Examples:",
        "  padlock verify --ca root.pem --untrusted issuing.pem --purpose server --host api.internal api.pem",
        "  padlock verify --ca root.pem --untrusted issuing.pem --crl crl.pem --purpose client client.pem",
        "  padlock verify --ca root.pem --at 2031-01-01T00:00:00Z leaf.pem"
    })
final class VerifyCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "LEAF.pem",
      description = "The certificate to check (PEM or DER), optionally followed by intermediates.")
  Path leaf;

  @Option(names = "--ca", required = true, paramLabel = "ROOTS.pem",
      description = "The trusted CA certificates (PEM).")
  Path ca;

  @Option(names = "--untrusted", paramLabel = "INTERMEDIATES.pem",
      description = "Intermediate certificates that may help build the chain (not trusted).")
  Path untrusted;

  @Option(names = "--crl", paramLabel = "FILE",
      description = "A CRL (PEM or DER) to check revocation against (repeatable).")
  List<Path> crls = new ArrayList<>();

  @Option(names = "--purpose", paramLabel = "server|client",
      description = "What the certificate is for: checks EKU serverAuth or clientAuth.")
  PeerRole purpose;

  @Option(names = "--host", paramLabel = "NAME",
      description = "The host name (or IP) a server certificate must carry.")
  String host;

  @Option(names = "--at", paramLabel = "ISO-INSTANT",
      description = "Check as of this instant, e.g. 2031-01-01T00:00:00Z (default: now).")
  String at;

  VerifyCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    Instant when = instant();
    TrustBundle.Builder bundle = TrustBundle.builder().addAnchorsPem(ca);
    if (untrusted != null) {
      bundle.addIntermediatesPem(untrusted);
    }
    List<X509Certificate> chain = PeerOptions.read("LEAF.pem", leaf,
        () -> dev.padlock.tls.internal.Pem.readCertificates(leaf));
    if (chain.size() > 1) {
      bundle.addIntermediates(chain.subList(1, chain.size()).toArray(X509Certificate[]::new));
    }
    TrustBundle trust = PeerOptions.read("--ca/--untrusted", ca, bundle::build);
    RevocationSource.Builder revocation = RevocationSource.builder();
    crls.forEach(revocation::crlFile);
    ChainCheck check = ChainCheck.builder(trust)
        .revocation(crls.isEmpty() ? RevocationSource.none() : revocation.build())
        .purpose(purpose).host(host).build();

    List<X509Certificate> path;
    try {
      path = QuietLogs.during(() -> {
        try {
          return check.check(chain, when);
        } catch (PeerCertificateException e) {
          throw new Refused(e);
        }
      });
    } catch (Refused r) {
      PeerCertificateException e = r.refusal;
      throw new CliException(ExitCodes.REFUSED,
          ProbeCommand.refusal(new Diagnosis(e.failureCause(), e.detail())), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("VALID " + chain.get(0).getSubjectX500Principal().getName() + " at " + when);
    for (X509Certificate c : path) {
      out.println("  " + c.getSubjectX500Principal().getName() + " (serial "
          + c.getSerialNumber().toString(16) + ", until " + c.getNotAfter().toInstant() + ")");
    }
    out.flush();
  }

  private Instant instant() {
    if (at == null) {
      return ctx.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw CliException.invalidInput("--at " + at + " is not an ISO instant such as "
          + "2031-01-01T00:00:00Z");
    }
  }

  /** Carries a refusal out of the quiet-logs lambda. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient PeerCertificateException refusal;

    Refused(PeerCertificateException refusal) {
      super(refusal);
      this.refusal = refusal;
    }
  }

}
