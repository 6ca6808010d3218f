package dev.padlock.cli;

import dev.padlock.ca.CaDirectory;
import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.CertificateInfo;
import dev.padlock.ca.DurationText;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.store.CertificateRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", header = "Show a certificate: names, validity, key, usages, status.", sortOptions = false,
    description = {
        "Show a certificate: subject, names, issuer, validity and time left, key, usages,",
        "status in this CA, fingerprint.",
        "",
        "Examples:",
        "  padlock show 5F2A9C0B71D3E8A4",
        "  padlock show --file api.pem --json"
    })
final class ShowCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Parameters(index = "0", paramLabel = "SERIAL", description = "Serial number (hex or decimal) of a certificate of this CA.")
    String serial;

    @Option(names = "--file", paramLabel = "CERT", description = "A certificate file (PEM or DER).")
    Path file;
  }

  @Option(names = "--json", description = "Print a JSON object.")
  boolean json;

  ShowCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    X509CertificateHolder cert;
    Optional<CertificateRecord> record;
    if (target.file != null) {
      cert = Pem.readCertificate(IssueCommand.readFile(target.file), target.file.toString());
      record = lookUp(cert);
    } else {
      try (CertificateAuthority authority = ca.open(ctx)) {
        CertificateRecord r = authority.find(target.serial);
        cert = Pem.readCertificate(r.der(), "the store");
        record = Optional.of(r);
      }
    }
    print(CertificateInfo.of(cert), record);
  }

  /** The store's record of a certificate read from a file, if this CA issued it. */
  private Optional<CertificateRecord> lookUp(X509CertificateHolder cert) {
    Path dir = ca.dir(ctx);
    if (!new CaDirectory(dir).exists()) {
      return Optional.empty();
    }
    try (CertificateAuthority authority = ca.open(ctx)) {
      if (!authority.issuingCertificate().getSubject().equals(cert.getIssuer())) {
        return Optional.empty();
      }
      return authority.store().find(new dev.padlock.ca.SerialNumber(cert.getSerialNumber()));
    }
  }

  private void print(CertificateInfo i, Optional<CertificateRecord> record) {
    Instant now = ctx.clock().instant();
    String status = record.map(r -> r.status(now).label()).orElse(now.isAfter(i.notAfter()) ? "expired"
        : now.isBefore(i.notBefore()) ? "not yet valid" : "not issued by this CA (revocation status unknown)");
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("serial", i.serial().hex());
      m.put("serial_decimal", i.serial().decimal());
      m.put("subject", i.subject());
      m.put("sans", i.sans());
      m.put("issuer", i.issuer());
      m.put("not_before", i.notBefore().toString());
      m.put("not_after", i.notAfter().toString());
      m.put("seconds_left", Math.max(0, Duration.between(now, i.notAfter()).getSeconds()));
      m.put("key_type", i.keyType());
      m.put("ca", i.ca());
      m.put("key_usage", i.keyUsage());
      m.put("extended_key_usage", i.extendedKeyUsage());
      m.put("crl_urls", i.crlUrls());
      m.put("ocsp_urls", i.ocspUrls());
      record.ifPresent(r -> m.put("profile", r.profile()));
      m.put("status", status);
      record.flatMap(CertificateRecord::revocation).ifPresent(rv -> {
        m.put("revoked_at", rv.at().toString());
        m.put("revocation_reason", rv.reason().rfcName());
      });
      m.put("fingerprint_sha256", i.fingerprintSha256());
      out.println(Json.write(m));
    } else {
      Duration left = Duration.between(now, i.notAfter());
      row(out, "Serial", i.serial().hex() + "  (decimal " + i.serial().decimal() + ")");
      row(out, "Subject", i.subject());
      row(out, "SANs", i.sans().isEmpty() ? "(none)" : String.join(", ", i.sans()));
      row(out, "Issuer", i.issuer());
      row(out, "Not before", i.notBefore().toString());
      row(out, "Not after", i.notAfter() + "  (" + (left.isNegative() ? "expired " + DurationText.humanize(left)
          : DurationText.humanize(left) + " left") + ")");
      row(out, "Key", i.keyType());
      row(out, "CA", i.ca() ? "yes" : "no");
      row(out, "Key usage", String.join(", ", i.keyUsage()));
      row(out, "Ext. key usage", i.extendedKeyUsage().isEmpty() ? "(any)" : String.join(", ", i.extendedKeyUsage()));
      if (!i.crlUrls().isEmpty()) {
        row(out, "CRL", String.join(", ", i.crlUrls()));
      }
      if (!i.ocspUrls().isEmpty()) {
        row(out, "OCSP", String.join(", ", i.ocspUrls()));
      }
      record.ifPresent(r -> row(out, "Profile", r.profile()));
      row(out, "Status", status + record.flatMap(CertificateRecord::revocation)
          .map(rv -> " at " + rv.at() + " (" + rv.reason().rfcName() + ")").orElse(""));
      row(out, "SHA-256", i.fingerprintSha256());
    }
    out.flush();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf("%-15s %s%n", label, value);
  }

}
