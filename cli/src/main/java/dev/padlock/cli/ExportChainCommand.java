package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.pem.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export-chain", header = "Write the CA chain (issuing CA, root) as PEM.", sortOptions = false,
    description = {
        "Write the CA chain as PEM: the issuing CA certificate first, then the root.",
        "Give it to clients and servers that must trust certificates of this CA.",
        "",
        "Example:",
        "  padlock export-chain --out ca-chain.pem"
    })
final class ExportChainCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--out", paramLabel = "FILE", description = "Write here. Default: stdout.")
  Path out;

  ExportChainCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    OutputFile.check(out, false, true);
    String chain;
    try (CertificateAuthority authority = ca.open(ctx)) {
      chain = Pem.certificates(authority.chain());
    }
    PrintWriter o = spec.commandLine().getOut();
    if (out == null) {
      o.print(chain);
    } else {
      OutputFile.write(out, chain, false);
      o.println("Wrote the CA chain (issuing CA, root) to " + out);
    }
    o.flush();
  }
}
