package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.audit.AuditChain;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "audit", header = "Check the hash-chained audit log.", description = "The audit log: every init, issuance and revocation, hash-chained.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "verify", header = "Check the audit log's hash chain; name the first broken entry.", description = {
      "Check the audit log's hash chain from the first entry to the last. Exits 0 if intact;",
      "otherwise names the first broken entry and exits 3.",
      "",
      "Example:",
      "  padlock audit verify --dir ./ca"
  })
  static final class Verify implements Runnable {
    private final CliContext ctx;

    @Spec CommandSpec spec;
    @Mixin CaOptions ca;

    Verify(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      AuditChain.Verdict v;
      try (CertificateAuthority authority = ca.open(ctx)) {
        v = authority.verifyAudit();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (v.intact()) {
        out.println("Audit log intact: " + v.entries() + " entries, each chained to the one before.");
        out.flush();
        return;
      }
      AuditChain.Break b = v.firstBreak().orElseThrow();
      throw CliException.refused("audit log broken at entry #" + b.sequence() + " (" + b.event().action()
          + (b.event().serial().isEmpty() ? "" : " " + b.event().serial()) + " at " + b.event().at() + "): "
          + b.reason());
    }
  }
}
