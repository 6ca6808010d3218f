package dev.padlock.cli;

import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", header = "Create a CA: root and issuing CA, encrypted keys, config, store, first CRL.", sortOptions = false,
    description = {
        "Create a CA: a root CA (self-signed, path length 1, 10 years) and an issuing CA",
        "(path length 0, 5 years) signed by it, their keys encrypted with your passphrase",
        "(PKCS#8, PBES2, AES-256), the config file with the certificate profiles, the",
        "store and the first CRL. Never overwrites an existing CA.",
        "",
        "Example:",
        "  PADLOCK_PASSPHRASE=… padlock init --dir ./ca --name \"Acme Internal\""
    })
final class InitCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "The CA's name: the root is 'NAME Root CA', the issuing CA 'NAME Issuing CA'.")
  String name;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "Key type of both CA keys: ec-p256, ec-p384, rsa-3072 or ed25519. Default: ${DEFAULT-VALUE}.")
  String keyType;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Where the CA will publish its CRL (URL/crl) and OCSP (URL/ocsp); "
          + "certificates then point there. Default: none.")
  String baseUrl;

  @Option(names = "--offline-root", paramLabel = "DIR",
      description = "Write the root key to DIR (e.g. a USB stick) instead of the CA directory, "
          + "so only the issuing key stays online.")
  Path offlineRoot;

  InitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    KeyAlgorithm type = KeyAlgorithm.fromLabel(keyType);
    Path dir = ca.dir(ctx);
    char[] pw = ca.passphraseSource(ctx, true).passphrase("for the new CA keys");
    CaInitializer.Result r = CaInitializer.init(new CaInitializer.Options(dir, name, type,
        Optional.ofNullable(baseUrl), Optional.ofNullable(offlineRoot), pw), ctx.clock());
    PrintWriter out = spec.commandLine().getOut();
    out.println("Created CA '" + name + "' in " + r.directory().path());
    out.println("  root CA      " + r.root().getSubject() + "  (valid until " + r.root().getNotAfter().toInstant() + ")");
    out.println("  issuing CA   " + r.issuing().getSubject() + "  (valid until "
        + r.issuing().getNotAfter().toInstant() + ")");
    out.println("  root key     " + r.rootKey() + (offlineRoot != null ? "  (offline: keep it away from this machine)" : ""));
    out.println("  issuing key  " + r.directory().issuingKey());
    out.println("  trust chain  " + r.directory().chain());
    out.println("  admin cert   " + r.directory().adminCertificate() + "  (client certificate for the admin API of "
        + "'padlock serve', over mutual TLS)");
    out.println("  admin key    " + r.directory().adminKey() + "  (encrypted with the CA passphrase)");
    out.println("  config       " + r.directory().config() + "  (profiles, validity limits, name policy)");
    out.println("  first CRL    number " + r.firstCrl().number());
    out.println("Root fingerprint (SHA-256): " + r.rootFingerprint());
    out.flush();
  }
}
