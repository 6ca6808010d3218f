package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.DurationText;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", header = "List issued certificates.", sortOptions = false,
    description = {
        "List issued certificates, newest first.",
        "",
        "Examples:",
        "  padlock list --status valid --expiring-within 7d",
        "  padlock list --profile device --json"
    })
final class ListCommand implements Runnable {
  private final CliContext ctx;

  @Spec CommandSpec spec;
  @Mixin CaOptions ca;

  @Option(names = "--status", paramLabel = "STATUS", description = "valid, revoked or expired.")
  CertificateStatus status;

  @Option(names = "--expiring-within", paramLabel = "DURATION",
      description = "Only valid certificates that expire within this time, e.g. 30d.")
  String expiringWithin;

  @Option(names = "--profile", paramLabel = "PROFILE", description = "Only this profile: server, client, device.")
  String profile;

  @Option(names = "--name", paramLabel = "TEXT", description = "Only certificates whose CN or a SAN's value "
      + "starts with TEXT, ignoring case (dns:web and web both find web.internal; a whole name finds itself).")
  String name;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
      description = "At most N certificates. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--json", description = "Print a JSON array.")
  boolean json;

  ListCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    if (limit < 1) {
      throw CliException.invalidInput("--limit must be at least 1");
    }
    Instant now = ctx.clock().instant();
    List<CertificateRecord> records;
    try (CertificateAuthority authority = ca.open(ctx)) {
      if (profile != null) {
        authority.config().profile(profile); // refuses an unknown profile name
      }
      records = authority.list(new CertificateQuery(Optional.ofNullable(status), Optional.ofNullable(profile),
          Optional.ofNullable(expiringWithin).map(DurationText::parse), Optional.ofNullable(name), now, limit));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Object> items = new ArrayList<>();
      for (CertificateRecord r : records) {
        items.add(toJson(r, now));
      }
      out.println(Json.write(items));
    } else if (records.isEmpty()) {
      out.println("No certificates match.");
    } else {
      out.printf("%-34s %-8s %-8s %-21s %s%n", "SERIAL", "PROFILE", "STATUS", "NOT AFTER", "NAME");
      for (CertificateRecord r : records) {
        out.printf("%-34s %-8s %-8s %-21s %s%n", r.serial(), r.profile(), r.status(now).label(), r.notAfter(),
            r.commonName() + (r.sans().isEmpty() ? "" : " " + String.join(" ", r.sans())));
      }
      if (records.size() == limit) {
        spec.commandLine().getErr().println("padlock: showing the first " + limit + "; pass --limit to see more");
      }
    }
    out.flush();
  }

  static Map<String, Object> toJson(CertificateRecord r, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serial", r.serial().hex());
    m.put("serial_decimal", r.serial().decimal());
    m.put("subject", r.subject());
    m.put("common_name", r.commonName());
    m.put("sans", r.sans());
    m.put("profile", r.profile());
    m.put("key_type", r.keyType());
    m.put("not_before", r.notBefore().toString());
    m.put("not_after", r.notAfter().toString());
    m.put("issued_at", r.issuedAt().toString());
    m.put("status", r.status(now).label());
    r.revocation().ifPresent(rv -> {
      m.put("revoked_at", rv.at().toString());
      m.put("revocation_reason", rv.reason().rfcName());
    });
    m.put("fingerprint_sha256", r.fingerprintSha256());
    m.put("requester", r.requester());
    return m;
  }
}
