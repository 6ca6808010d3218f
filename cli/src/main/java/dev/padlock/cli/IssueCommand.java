package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.DurationText;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.pem.Pkcs12;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "issue", header = "Issue a certificate from a CSR or with a generated key.", sortOptions = false,
    description = {
        "Issue a certificate from a CSR (--csr), or with a key padlock generates",
        "(--key-out for PEM, --p12-out for PKCS#12). The certificate is stored before it is written.",
        "",
        "Examples:",
        "  padlock issue --profile server --cn api.internal --san dns:api.internal --san ip:10.0.0.5 \\",
        "      --key-out api.key --out api.pem --chain-out api-fullchain.pem",
        "  padlock issue --profile client --cn alice --csr alice.csr --out alice.pem",
        "  padlock issue --profile device --cn dev-42 --san uri:spiffe://acme/device/42 \\",
        "      --p12-out dev-42.p12 --p12-password changeit --validity 90d --out dev-42.pem"
    })
final class IssueCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--profile", required = true, paramLabel = "PROFILE",
      description = "server (EKU serverAuth), client (EKU clientAuth) or device (EKU clientAuth).")
  String profile;

  @Option(names = "--cn", paramLabel = "NAME", description = "Common name. Default: the CSR's CN.")
  String cn;

  @Option(names = "--san", paramLabel = "NAME",
      description = "A subject alternative name: dns:HOST, ip:ADDRESS, uri:URI or email:ADDRESS. Repeatable. "
          + "Default: the names in the CSR; for a server, the CN if it is a DNS name.")
  List<String> sans = new ArrayList<>();

  @Option(names = "--csr", paramLabel = "FILE", description = "PKCS#10 request (PEM or DER) whose key to certify.")
  Path csr;

  @Option(names = "--key-out", paramLabel = "FILE", description = "Generate the key and write it here (PEM, mode 0600).")
  Path keyOut;

  @Option(names = "--p12-out", paramLabel = "FILE", description = "Generate the key and write key + chain as PKCS#12.")
  Path p12Out;

  @Option(names = "--p12-password", paramLabel = "PW", description = "Password of the PKCS#12 file.")
  String p12Password;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "Type of a generated key: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519. "
          + "Default: ${DEFAULT-VALUE}.")
  String keyType;

  @Option(names = "--validity", paramLabel = "DURATION",
      description = "Lifetime, e.g. 24h, 30d. Default: the profile's; at most the profile's maximum.")
  String validity;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here (PEM). Default: stdout.")
  Path out;

  @Option(names = "--chain-out", paramLabel = "FILE",
      description = "Write the certificate followed by the issuing CA certificate here (for servers).")
  Path chainOut;

  @Option(names = "--force", description = "Replace an existing --key-out or --p12-out file.")
  boolean force;

  IssueCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    IssueRequest request = parseRequest();
    OutputFile.check(out, false, true);
    OutputFile.check(chainOut, false, true);
    OutputFile.check(keyOut, true, force);
    OutputFile.check(p12Out, true, force);

    IssuedCertificate issued;
    try (CertificateAuthority authority = ca.open(ctx)) {
      issued = authority.issue(request);
    }
    writeOutputs(issued);
  }

  private IssueRequest parseRequest() {
    boolean generate = keyOut != null || p12Out != null;
    if (csr != null && generate) {
      throw CliException.invalidInput("give either --csr or --key-out/--p12-out, not both");
    }
    if (csr == null && !generate) {
      throw CliException.invalidInput("give --csr FILE to certify your key, or --key-out FILE / --p12-out FILE "
          + "for a key padlock generates");
    }
    if (p12Out != null && (p12Password == null || p12Password.isEmpty())) {
      throw CliException.invalidInput("--p12-out needs --p12-password PW");
    }
    IssueRequest.Builder b = IssueRequest.builder(profile).commonName(cn).requester("cli:" + userName());
    for (String s : sans) {
      b.san(SubjectAltName.parse(s));
    }
    if (csr != null) {
      b.csr(Pem.readCsr(readFile(csr), csr.toString()));
    } else {
      b.generatedKeyType(KeyAlgorithm.fromLabel(keyType));
    }
    if (validity != null) {
      b.validity(DurationText.parse(validity));
    }
    return b.build();
  }

  private void writeOutputs(IssuedCertificate issued) {
    PrintWriter o = spec.commandLine().getOut();
    String certPem = Pem.certificate(issued.certificate());
    if (issued.generatedKey().isPresent()) {
      PrivateKey key = issued.generatedKey().get().getPrivate();
      if (keyOut != null) {
        OutputFile.write(keyOut, Pem.privateKey(key), true);
      }
      if (p12Out != null) {
        List<org.bouncycastle.cert.X509CertificateHolder> chain = new ArrayList<>();
        chain.add(issued.certificate());
        chain.addAll(issued.chain());
        OutputFile.write(p12Out, Pkcs12.write(issued.record().commonName(), key, chain, p12Password.toCharArray()), true);
      }
    }
    if (chainOut != null) {
      OutputFile.write(chainOut, certPem + Pem.certificate(issued.chain().get(0)), false);
    }
    if (out != null) {
      OutputFile.write(out, certPem, false);
    } else {
      o.print(certPem);
    }
    var r = issued.record();
    PrintWriter info = out != null ? o : spec.commandLine().getErr();
    info.println("Issued " + r.profile() + " certificate " + r.serial() + " for '" + r.commonName() + "'"
        + (r.sans().isEmpty() ? "" : " " + r.sans()) + ", valid until " + r.notAfter());
    if (keyOut != null) {
      info.println("  key          " + keyOut);
    }
    if (p12Out != null) {
      info.println("  PKCS#12      " + p12Out);
    }
    if (out != null) {
      info.println("  certificate  " + out);
    }
    if (chainOut != null) {
      info.println("  chain        " + chainOut + "  (certificate + issuing CA)");
    }
    info.flush();
  }

  static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw CliException.invalidInput("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw CliException.invalidInput("cannot read " + file + ": " + e.getMessage());
    }
  }

  private String userName() {
    return ctx.env("USER").orElse("unknown");
  }

}
