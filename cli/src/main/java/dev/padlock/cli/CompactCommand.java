package dev.padlock.cli;

import dev.padlock.ca.store.jdbc.JdbcStores;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "compact", header = "Give the CA database's unused space back to the disk.", sortOptions = false,
    description = {
        "Rewrite the CA's H2 database file with its live data only. The store reuses the space it frees",
        "while it runs, so its file does not keep growing, but the file only gets smaller when this runs.",
        "Stop 'padlock serve' first: compacting closes the database. Needs no passphrase.",
        "",
        "Example:",
        "  padlock compact --dir ./ca"
    })
final class CompactCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  CompactCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    JdbcStores.Compacted c = JdbcStores.compactH2(ca.dir(ctx));
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT, "Compacted the CA database: %.1f MB -> %.1f MB.", c.bytesBefore() / 1e6,
        c.bytesAfter() / 1e6));
    out.flush();
  }
}
