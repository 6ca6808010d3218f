package dev.padlock.cli;

import dev.padlock.tls.MutualTls;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.ProbeResult;
import dev.padlock.tls.diagnose.Prober;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--ca", paramLabel = "FILE",
      description = "PEM file of the CA certificates to trust (default: the JDK's trust store).")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "Our certificate chain (PEM, leaf first), sent if the server asks for one.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "The private key of --cert (PEM).")
  Path key;

  @ArgGroup(exclusive = true)
  Version version;

  static final class Version {
    @Option(names = "--tls1.2", description = "Offer TLS 1.2 only.")
    boolean tls12;

    @Option(names = "--tls1.3", description = "Offer TLS 1.3 only.")
    boolean tls13;
  }

  @Option(names = "--servername", paramLabel = "NAME",
      description = "Name to send as SNI and to check the certificate against (default: HOST).")
  String serverName;

  @Option(names = "--crl", paramLabel = "FILE|URL",
      description = "A CRL to check the server's certificate against (repeatable); without CRL "
          + "or OCSP data for it, the server is refused.")
  List<String> crls = new ArrayList<>();

  @Option(names = "--ocsp",
      description = "Ask the OCSP responder named in the server's certificate (AIA).")
  boolean ocsp;

  ProbeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    TraceCommand.HostPort hp = TraceCommand.HostPort.parse(target);
    Prober.Builder prober = Prober.builder(hp.host(), hp.port()).clock(ctx.clock());
    if (ca != null) {
      prober.trust(read("--ca", ca, () -> TrustBundle.fromPem(ca)));
    }
    if ((cert == null) != (key == null)) {
      throw CliException.invalidInput("--cert and --key go together");
    }
    if (cert != null) {
      prober.identity(read("--cert/--key", cert, () -> TlsIdentity.fromPem(cert, key)));
    }
    if (version != null) {
      prober.version(version.tls12 ? MutualTls.Version.TLS_1_2 : MutualTls.Version.TLS_1_3);
    }
    if (serverName != null) {
      prober.serverName(serverName);
    }
    if (!crls.isEmpty() || ocsp) {
      prober.revocation(revocation(crls, ocsp));
    }

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

  static RevocationSource revocation(List<String> crls, boolean ocsp) {
    RevocationSource.Builder b = RevocationSource.builder();
    for (String crl : crls) {
      if (crl.startsWith("http://") || crl.startsWith("https://")) {
        try {
          b.crlUrl(URI.create(crl));
        } catch (IllegalArgumentException e) {
          throw CliException.invalidInput("--crl " + crl + " is not a valid URL: " + e.getMessage());
        }
      } else {
        b.crlFile(Path.of(crl));
      }
    }
    if (ocsp) {
      b.ocsp();
    }
    return b.build();
  }

  interface Reader<T> {
    T read() throws IOException;
  }

  static <T> T read(String option, Path file, Reader<T> reader) {
    try {
      return reader.read();
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.INVALID_INPUT,
          "cannot read " + option + " " + file + ": " + e.getMessage(), e);
    }
  }
}
