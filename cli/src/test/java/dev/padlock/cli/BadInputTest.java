package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.testing.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, each refused with one line on stderr that says what is wrong, the documented exit code,
 * no file written and nothing stored. Bad CSRs and keys are made by openssl, not by us.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  static final String PASS = "right passphrase";

  @TempDir static Path tmp;
  Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
  Cli cli;
  String revokedSerial;

  @BeforeAll
  void setUp() throws Exception {
    cli = new Cli(clock, tmp).env("PADLOCK_PASSPHRASE", PASS).env("PADLOCK_HOME", tmp + "/ca");
    assertThat(cli.run("init", "--name", "Bad Input").exit()).isZero();
    Path conf = tmp.resolve("ca/padlock.conf");
    Files.writeString(conf, Files.readString(conf).replace("profile.device.allow.uri=",
        "profile.device.allow.uri=spiffe://acme.test/"));
    Cli.Result issued = cli.run("issue", "--profile", "client", "--cn", "gone", "--key-out", tmp + "/gone.key",
        "--out", tmp + "/gone.pem");
    assertThat(issued.exit()).as(issued.err()).isZero();
    revokedSerial = Openssl.run(tmp, "x509", "-in", "gone.pem", "-noout", "-serial").assertOk().output().trim()
        .substring("serial=".length());
    assertThat(cli.run("revoke", revokedSerial).exit()).isZero();

    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ok.key",
        "-subj", "/CN=bob", "-outform", "DER", "-out", "ok.der");
    byte[] der = Files.readAllBytes(tmp.resolve("ok.der"));
    Files.write(tmp.resolve("truncated.der"), Arrays.copyOf(der, der.length / 2));
    Files.write(tmp.resolve("tampered.der"), tamperedCn(der));
    Files.writeString(tmp.resolve("garbage.pem"),
        "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3NyIGF0IGFsbA==\n-----END CERTIFICATE REQUEST-----\n");
    Files.writeString(tmp.resolve("text.txt"), "hello, I am not a CSR\n");
    openssl("req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "rsa.key", "-subj", "/CN=weak", "-out",
        "rsa1024.csr");
    openssl("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1.key");
    openssl("req", "-new", "-key", "k1.key", "-subj", "/CN=k1", "-out", "k1.csr");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
        "-subj", "/CN=sneaky", "-addext", "basicConstraints=critical,CA:TRUE", "-out", "ca.csr");
  }

  private void openssl(String... args) {
    Openssl.run(tmp, args).assertOk();
  }

  /** The CSR with one letter of its CN changed: the signature no longer matches. */
  private static byte[] tamperedCn(byte[] der) {
    byte[] copy = der.clone();
    for (int i = 0; i + 2 < copy.length; i++) {
      if (copy[i] == 'b' && copy[i + 1] == 'o' && copy[i + 2] == 'b') {
        copy[i + 2] = 'p';
        return copy;
      }
    }
    throw new AssertionError("no CN in the CSR");
  }

  record Case(String name, int exit, String stderrStart, Function<BadInputTest, String[]> args, String passphrase) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, int exit, String stderrStart, Function<BadInputTest, String[]> args) {
    return new Case(name, exit, stderrStart, args, PASS);
  }

  Stream<Arguments> cases() {
    return Stream.of(
        c("refused: garbage PEM", 2, "padlock: " + tmp + "/garbage.pem is not a readable certificate signing request",
            t -> t.issueCsr("garbage.pem")),
        c("refused: a text file, not a CSR", 2, "padlock: " + tmp + "/text.txt is not a readable certificate signing",
            t -> t.issueCsr("text.txt")),
        c("refused: truncated DER", 2, "padlock: " + tmp + "/truncated.der is not a readable certificate signing",
            t -> t.issueCsr("truncated.der")),
        c("refused: csr signature invalid", 2, "padlock: the CSR's signature does not verify with its public key",
            t -> t.issueCsr("tampered.der")),
        c("refused: RSA key under 2048 bits", 2, "padlock: RSA key of 1024 bits is too weak",
            t -> t.issueCsr("rsa1024.csr")),
        c("refused: unsupported curve", 2, "padlock: unsupported elliptic curve 1.3.132.0.10",
            t -> t.issueCsr("k1.csr")),
        c("refused: CSR asks to be a CA", 2, "padlock: the CSR asks for a CA certificate",
            t -> t.issueCsr("ca.csr")),
        c("refused: name outside the profile's policy", 3,
            "padlock: name uri:spiffe://evil.test/dev/1 is not allowed by the policy of profile 'device'",
            t -> t.issueKey("--profile", "device", "--cn", "dev-1", "--san", "uri:spiffe://evil.test/dev/1")),
        c("refused: validity above the profile maximum", 3,
            "padlock: validity 400d is above the maximum of profile 'client' (90d)",
            t -> t.issueKey("--profile", "client", "--cn", "x", "--validity", "400d")),
        c("refused: unknown profile", 2, "padlock: unknown profile 'admin'",
            t -> t.issueKey("--profile", "admin", "--cn", "x")),
        c("refused: malformed SAN", 2, "padlock: invalid subject alternative name 'ip:999.1.1.1'",
            t -> t.issueKey("--profile", "server", "--cn", "x.test", "--san", "ip:999.1.1.1")),
        c("refused: server certificate without a DNS or IP name", 2,
            "padlock: a server certificate needs a DNS or IP name",
            t -> t.issueKey("--profile", "server", "--cn", "My Server")),
        c("refused: output directory missing", 2, "padlock: cannot write " + tmp + "/nowhere/x.pem",
            t -> new String[] {"issue", "--profile", "client", "--cn", "x", "--key-out", tmp + "/x.key", "--out",
                tmp + "/nowhere/x.pem"}),
        new Case("refused: wrong passphrase", 2, "padlock: cannot read CA key at " + tmp.resolve("ca").toAbsolutePath()
            + "/issuing.key: wrong passphrase", t -> t.issueKey("--profile", "client", "--cn", "x"), "wrong"),
        new Case("refused: no passphrase anywhere", 2, "padlock: a passphrase is needed",
            t -> t.issueKey("--profile", "client", "--cn", "x"), null),
        c("refused: init over an existing CA", 3, "padlock: a CA already exists at " + tmp.resolve("ca").toAbsolutePath(),
            t -> new String[] {"init", "--name", "Again"}),
        c("refused: revoke an unknown serial", 3, "padlock: no certificate with serial 0x0123456789ABCDEF",
            t -> new String[] {"revoke", "0x0123456789ABCDEF"}),
        c("refused: revoke twice", 3, "padlock: certificate " + revokedSerial + " was already revoked at",
            t -> new String[] {"revoke", t.revokedSerial, "--reason", "superseded"}),
        c("refused: not a serial", 2, "padlock: 'zz-top' is not a serial number",
            t -> new String[] {"revoke", "zz-top"}),
        c("refused: unknown revocation reason", 2, "padlock: unknown revocation reason 'bored'",
            t -> new String[] {"revoke", t.revokedSerial, "--reason", "bored"}),
        c("refused: missing required option", 2, "padlock: Missing required option: '--profile=PROFILE'",
            t -> new String[] {"issue", "--cn", "x"})
    ).map(Arguments::of);
  }

  private String[] issueCsr(String file) {
    return new String[] {"issue", "--profile", "client", "--csr", tmp + "/" + file, "--out", tmp + "/out.pem"};
  }

  private String[] issueKey(String... more) {
    String[] base = {"issue", "--key-out", tmp + "/out.key", "--out", tmp + "/out.pem"};
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsRefusedWithOneClearLineAndChangesNothing(Case c) throws Exception {
    State before = state();
    Cli.Result r = new Cli(clock, tmp).env("PADLOCK_PASSPHRASE", c.passphrase()).env("PADLOCK_HOME", tmp + "/ca")
        .run(c.args().apply(this));

    assertThat(r.exit()).as(r.err()).isEqualTo(c.exit());
    assertThat(r.errLines()).as("one line on stderr").hasSize(1);
    assertThat(r.err()).startsWith(c.stderrStart()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
    assertThat(tmp.resolve("out.pem")).doesNotExist();
    assertThat(tmp.resolve("out.key")).doesNotExist();
    assertThat(state()).isEqualTo(before);
  }

  /** What the store holds: certificates, audit entries and the CRL number. */
  record State(int certificates, long auditEntries, java.math.BigInteger crlNumber) {}

  private State state() {
    try (CertificateAuthority ca = CertificateAuthority.open(tmp.resolve("ca"), clock, PassphraseSource.none())) {
      List<?> all = ca.list(CertificateQuery.all(clock.instant(), 10_000));
      return new State(all.size(), ca.verifyAudit().entries(), ca.store().latestCrl().orElseThrow().number());
    }
  }
}
