package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.store.StoredCrl;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "crl", header = "Write the current CRL.", sortOptions = false,
    description = {
        "Write the CA's current CRL. A CRL past half its lifetime is re-signed first (this needs",
        "the passphrase); --renew always signs a new one.",
        "",
        "Examples:",
        "  padlock crl --out crl.der",
        "  padlock crl --pem --out crl.pem",
        "  padlock crl | openssl crl -noout -text"
    })
final class CrlCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the CRL here: DER unless --pem. Default: PEM on stdout.")
  Path out;

  @Option(names = "--pem", description = "Write PEM to --out instead of DER.")
  boolean pem;

  @Option(names = "--renew", description = "Sign a new CRL (next CRL number) even if the current one is fresh.")
  boolean renew;

  CrlCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    OutputFile.check(out, false, true);
    StoredCrl crl;
    try (CertificateAuthority authority = ca.open(ctx)) {
      crl = renew ? authority.publishCrl() : authority.currentCrl();
    }
    PrintWriter o = spec.commandLine().getOut();
    if (out == null) {
      o.print(Pem.crl(crl.der()));
    } else {
      if (pem) {
        OutputFile.write(out, Pem.crl(crl.der()), false);
      } else {
        OutputFile.write(out, crl.der(), false);
      }
      o.println("Wrote CRL number " + crl.number() + " (this update " + crl.thisUpdate() + ", next update "
          + crl.nextUpdate() + ") to " + out + (pem ? " (PEM)" : " (DER)"));
    }
    o.flush();
  }
}
