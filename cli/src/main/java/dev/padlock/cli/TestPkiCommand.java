package dev.padlock.cli;

import dev.padlock.ca.testpki.TestPki;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "testpki", header = "Write good and deliberately bad certificates for your tests.", sortOptions = false,
    description = {
        "Write a ready set of certificates from a throwaway CA into a new directory: valid server",
        "and client, expired, not yet valid, revoked (with the CRL), wrong EKU, wrong host name,",
        "untrusted issuer, incomplete chain, a stale CRL. DIR/README.md says which file should fail",
        "how. For tests only: the leaf keys are unencrypted.",
        "",
        "Example:",
        "  padlock testpki --out ./testpki && cat testpki/README.md"
    })
final class TestPkiCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty directory.")
  Path out;

  TestPkiCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    Map<String, String> files = new TestPki(ctx.clock()).write(out);
    PrintWriter o = spec.commandLine().getOut();
    o.println("Wrote " + files.size() + " test certificates and CRLs to " + out.toAbsolutePath()
        + " (see README.md there):");
    files.forEach((f, d) -> o.printf("  %-28s %s%n", f, d.length() > 70 ? d.substring(0, 67) + "..." : d));
    o.flush();
  }
}
