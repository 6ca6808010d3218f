package dev.padlock.cli;

import dev.padlock.tls.enroll.CaBootstrap;
import dev.padlock.tls.enroll.CredentialFiles;
import dev.padlock.tls.enroll.Enrollment;
import dev.padlock.tls.enroll.EstClient;
import dev.padlock.tls.enroll.EstException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "enroll", header = "Get a certificate from a padlock server over EST, with a one-time token.",
    sortOptions = false,
    description = {
        "Make a key here (EC P-256, written with mode 0600), send a CSR to the server's EST endpoint",
        "with the one-time token, and write the certificate (followed by its issuing CA) and the CA",
        "root beside it. The server is authenticated against the root: give it as a file (--ca) or",
        "by its SHA-256 fingerprint (--ca-fingerprint, as 'padlock init' prints it), in which case",
        "padlock fetches the CA certificates once and keeps the root only if the fingerprint matches.",
        "",
        "Example:",
        "  padlock enroll --server https://ca.internal:8443 --token pdl_… --cn dev-42 \\",
        "      --ca-fingerprint 3f2a…c81 --key-out dev-42.key --cert-out dev-42.pem"
    })
final class EnrollCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "URL", description = "The CA server, https://HOST:PORT.")
  URI server;

  @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "The one-time enrollment token.")
  String token;

  @Option(names = "--cn", required = true, paramLabel = "NAME", description = "The common name to ask for.")
  String cn;

  @Option(names = "--san", paramLabel = "NAME", description = "A name to ask for: dns:, ip:, uri:, email:. Repeatable.")
  List<String> sans = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "PROFILE",
      description = "The profile (EST label): server, client or device. Default: the token's.")
  String profile;

  @Option(names = "--key-out", required = true, paramLabel = "FILE", description = "Write the new key here (mode 0600).")
  Path keyOut;

  @Option(names = "--cert-out", required = true, paramLabel = "FILE",
      description = "Write the certificate, then its issuing CA, here.")
  Path certOut;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Trust trust;

  static final class Trust {
    @Option(names = "--ca-fingerprint", paramLabel = "SHA256", description = "SHA-256 fingerprint of the CA root.")
    String fingerprint;

    @Option(names = "--ca", paramLabel = "FILE", description = "The CA root certificate (PEM).")
    Path caFile;
  }

  @Option(names = "--ca-out", paramLabel = "FILE",
      description = "Write the CA root here. Default: ca.pem beside --cert-out.")
  Path caOut;

  @Option(names = "--force", description = "Replace an existing --key-out file.")
  boolean force;

  EnrollCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    Path caFile = caOut != null ? caOut : certOut.toAbsolutePath().resolveSibling("ca.pem");
    OutputFile.check(keyOut, true, force);
    OutputFile.check(certOut, false, true);
    OutputFile.check(caFile, false, true);
    try {
      sans.forEach(Enrollment::checkSan);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    try {
      X509Certificate root = root();
      KeyPair key = Enrollment.newKey();
      EstClient est = EstClient.builder(server).trust(List.of(root)).label(profile).build();
      List<X509Certificate> returned = new ArrayList<>(est.simpleEnroll(Enrollment.csr(key, cn, sans), token));
      returned.addAll(est.caCerts()); // the issuing CA, to present with the certificate
      List<X509Certificate> chain = Enrollment.chainFor(key.getPublic(), returned);
      checkChain(chain, root);
      OutputFile.write(keyOut, CredentialFiles.pem(key.getPrivate()), true);
      OutputFile.write(certOut, CredentialFiles.pem(chain), false);
      OutputFile.write(caFile, CredentialFiles.pem(List.of(root)), false);
      PrintWriter out = spec.commandLine().getOut();
      X509Certificate leaf = chain.get(0);
      out.println("Enrolled '" + cn + "': certificate " + leaf.getSerialNumber().toString(16).toUpperCase()
          + ", valid until " + leaf.getNotAfter().toInstant());
      out.println("  key          " + keyOut + "  (mode 0600, made here, never sent)");
      out.println("  certificate  " + certOut + "  (certificate, then its issuing CA)");
      out.println("  CA root      " + caFile + "  (SHA-256 " + CaBootstrap.sha256(root) + ")");
      out.println("Renew it before it expires: padlock renew --server " + server + " --cert " + certOut + " --key "
          + keyOut);
      out.flush();
    } catch (EstException e) {
      throw failure(e, "enrollment");
    } catch (IOException e) {
      throw CliException.invalidInput(e.getMessage());
    }
  }

  private X509Certificate root() throws EstException, IOException {
    if (trust.caFile != null) {
      List<X509Certificate> certs = CredentialFiles.readCertificates(trust.caFile);
      return certs.get(certs.size() - 1);
    }
    try {
      return CaBootstrap.rootByFingerprint(server, trust.fingerprint, Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
  }

  private void checkChain(List<X509Certificate> chain, X509Certificate root) {
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(ctx.clock().instant()));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain),
          params);
    } catch (Exception e) {
      throw CliException.refused("the server's certificate does not chain to the CA root: " + e.getMessage());
    }
  }

  /** How an EST failure becomes an exit code: unreachable 4, refused 3. */
  static CliException failure(EstException e, String what) {
    if (e.unreachable()) {
      return new CliException(ExitCodes.UNAVAILABLE, what + " failed: " + e.getMessage());
    }
    String hint = e.status().orElse(0) == 401 ? " (the token is wrong, used or expired, or the certificate is not "
        + "accepted)" : "";
    return CliException.refused(what + " refused: " + e.getMessage() + hint);
  }
}
