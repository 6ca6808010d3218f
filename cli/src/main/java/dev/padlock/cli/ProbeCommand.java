package dev.padlock.cli;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.ProbeResult;
import dev.padlock.tls.diagnose.Prober;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "probe", header = "Try a TLS handshake and name what is wrong, if anything.",
    sortOptions = false,
    description = {
        "Connect to HOST:PORT with padlock's own TLS client (the trust manager services use)",
        "and print OK with the server's identity, or exit 3 with one named cause and how to",
        "fix it: protocol version mismatch, no common cipher suite, server certificate",
        "untrusted / expired / not yet valid / for another host / revoked / wrong key usage,",
        "client certificate required but not sent, our certificate refused by the server",
        "(read from its alert; in TLS 1.3 that alert comes after the handshake, so probe waits",
        "for it), revocation data unavailable or stale, nothing listening, not TLS.",
        "",
        "Examples:",
        "  padlock probe api.internal:8443 --ca root.pem --cert me.pem --key me.key",
        "  padlock probe 127.0.0.1:8443 --servername api.internal --ca root.pem --crl crl.pem",
        "  padlock probe api.internal:8443 --ca root.pem --tls1.3 --ocsp"
    })
final class ProbeCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server ([IPv6]:PORT too).")
  String target;

  @Mixin PeerOptions peer;

  ProbeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    TraceCommand.HostPort hp = TraceCommand.HostPort.parse(target);
    Prober.Builder prober = Prober.builder(hp.host(), hp.port()).clock(ctx.clock());
    peer.trust().ifPresent(prober::trust);
    peer.identity().ifPresent(prober::identity);
    peer.tls12Only().ifPresent(tls12 -> prober.version(tls12 ? MutualTls.Version.TLS_1_2
        : MutualTls.Version.TLS_1_3));
    peer.serverName().ifPresent(prober::serverName);
    peer.revocation().ifPresent(prober::revocation);

    ProbeResult result = QuietLogs.during(() -> prober.build().probe());
    if (result.failure().isPresent()) {
      throw CliException.refused(refusal(result.failure().get()));
    }
    PrintWriter out = spec.commandLine().getOut();
    X509Certificate leaf = result.peerChain().get(0);
    out.println("OK " + result.protocol() + " " + result.cipherSuite() + " in "
        + result.handshakeTime().toMillis() + " ms");
    out.println("  server: " + leaf.getSubjectX500Principal().getName()
        + dev.padlock.tls.diagnose.CertificateSummary.sans(leaf).stream()
            .reduce("", (a, b) -> a + " " + b));
    out.println("  issuer: " + leaf.getIssuerX500Principal().getName() + ", serial "
        + leaf.getSerialNumber().toString(16) + ", valid until " + leaf.getNotAfter().toInstant());
    out.flush();
  }

  /** One line: the cause, its code, the detail, and how to fix it. */
  static String refusal(Diagnosis d) {
    return d.cause().summary() + " [" + d.cause().code() + "]: " + d.detail() + ". Fix: "
        + d.cause().fix();
  }
}
