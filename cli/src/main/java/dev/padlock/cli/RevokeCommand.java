package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.revoke.RevocationReason;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "revoke", header = "Revoke a certificate and publish a new CRL.", sortOptions = false,
    description = {
        "Revoke a certificate and publish a new CRL. Revocation is permanent.",
        "",
        "Examples:",
        "  padlock revoke 5F2A9C0B71D3E8A4 --reason keyCompromise",
        "  padlock revoke 0x5f2a9c0b71d3e8a4"
    })
final class RevokeCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Parameters(index = "0", paramLabel = "SERIAL",
      description = "Serial number, in hex as openssl prints it (colons and 0x allowed) or in decimal.")
  String serial;

  @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
      description = "RFC 5280 reason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
          + "cessationOfOperation, privilegeWithdrawn, aACompromise. Default: ${DEFAULT-VALUE}.")
  String reason;

  RevokeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    RevocationReason r = RevocationReason.parse(reason);
    try (CertificateAuthority authority = ca.open(ctx)) {
      CertificateAuthority.Revocation done = authority.revoke(serial, r, "cli:" + ctx.env("USER").orElse("unknown"));
      PrintWriter out = spec.commandLine().getOut();
      var rec = done.record();
      out.println("Revoked certificate " + rec.serial() + " ('" + rec.commonName() + "', " + rec.profile() + ") at "
          + rec.revocation().orElseThrow().at() + ", reason " + r.rfcName());
      out.println("Published CRL number " + done.crl().number() + " (next update " + done.crl().nextUpdate()
          + "); write it out with 'padlock crl --out FILE'");
      out.flush();
    }
  }
}
