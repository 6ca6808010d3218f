package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.DurationText;
import dev.padlock.ca.authorize.EnrollmentToken;
import dev.padlock.ca.authorize.TokenRequest;
import dev.padlock.ca.issue.SubjectAltName;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "token", header = "Create one-time enrollment tokens.", sortOptions = false,
    description = {"Enrollment tokens: one-time passwords for enrolling a device or service over EST or the API."},
    subcommands = {TokenCommand.Create.class})
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", header = "Create a one-time enrollment token for one certificate.", sortOptions = false,
      description = {
          "Create a one-time enrollment token for one certificate of PROFILE for NAME (and the",
          "--san names, or a subset of them). Only its hash is stored: the token is printed once,",
          "alone on the last line. It is spent by the first enrollment that uses it; a wrong, used",
          "or expired token is refused with 401.",
          "",
          "Examples:",
          "  padlock token create --profile device --cn dev-42 --san uri:spiffe://acme/device/42",
          "  curl --cacert root.pem -u any:TOKEN -H 'Content-Type: application/pkcs10' \\",
          "      --data-binary @csr.b64 https://localhost:8443/.well-known/est/simpleenroll"
      })
  static final class Create implements Runnable {
    private final CliContext ctx;

    @Spec CommandSpec spec;
    @Mixin CaOptions ca;

    @Option(names = "--profile", required = true, paramLabel = "PROFILE", description = "server, client or device.")
    String profile;

    @Option(names = "--cn", required = true, paramLabel = "NAME", description = "The common name the certificate will have.")
    String cn;

    @Option(names = "--san", paramLabel = "NAME",
        description = "A name the certificate may carry: dns:HOST, ip:ADDRESS, uri:URI or email:ADDRESS. Repeatable.")
    List<String> sans = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
        description = "How long the token stays valid, at most 30d. Default: ${DEFAULT-VALUE}.")
    String ttl;

    @Option(names = "--json", description = "Print a JSON object instead.")
    boolean json;

    Create(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      TokenRequest request = new TokenRequest(profile, cn, sans.stream().map(SubjectAltName::parse).toList(),
          DurationText.parse(ttl));
      EnrollmentToken token;
      try (CertificateAuthority authority = ca.open(ctx)) {
        token = authority.createToken(request, "cli:" + ctx.env("USER").orElse("unknown"));
      }
      PrintWriter out = spec.commandLine().getOut();
      var g = token.grant();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", token.value());
        m.put("id", g.id());
        m.put("profile", g.profile());
        m.put("cn", g.commonName());
        m.put("sans", g.sans().stream().map(SubjectAltName::toString).toList());
        m.put("expiresAt", g.expiresAt().toString());
        out.println(Json.write(m));
      } else {
        out.println("One-time token " + g.id() + " for a " + g.profile() + " certificate for '" + g.commonName() + "'"
            + (g.sans().isEmpty() ? "" : " " + g.sans()) + ", valid until " + g.expiresAt() + ":");
        out.println(token.value());
      }
      out.flush();
    }
  }
}
