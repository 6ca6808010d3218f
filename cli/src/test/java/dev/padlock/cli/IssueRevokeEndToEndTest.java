package dev.padlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.testing.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation story through the command line, with openssl as the judge: init, issue server and client
 * certificates (generated key, openssl CSR, PKCS#12), revoke one by the serial openssl prints, publish the CRL.
 */
class IssueRevokeEndToEndTest {
  @TempDir Path tmp;

  @Test
  void initIssueRevokeAndPublishAreAcceptedByOpenssl() throws Exception {
    Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    Cli cli = new Cli(clock, tmp).env("PADLOCK_PASSPHRASE", "s3cret passphrase").env("PADLOCK_HOME", tmp + "/ca");
    String root = tmp.resolve("ca/root.pem").toString();
    String issuing = tmp.resolve("ca/issuing.pem").toString();

    Cli.Result init = cli.run("init", "--name", "Acme Test");
    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(init.out()).contains("Created CA 'Acme Test'").contains("Root fingerprint (SHA-256): ");

    // A server certificate with a generated key; the key file is private.
    Cli.Result server = cli.run("issue", "--profile", "server", "--cn", "api.test", "--san", "dns:api.test", "--san",
        "ip:127.0.0.1", "--key-out", tmp + "/api.key", "--out", tmp + "/api.pem", "--chain-out", tmp + "/api-full.pem");
    assertThat(server.exit()).as(server.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("api.key"))))
        .isEqualTo("rw-------");
    Openssl.run(tmp, "verify", "-purpose", "sslserver", "-CAfile", root, "-untrusted", issuing, "api.pem").assertOk();
    assertThat(Openssl.run(tmp, "x509", "-in", "api.pem", "-noout", "-ext", "subjectAltName").assertOk().output())
        .contains("DNS:api.test").contains("IP Address:127.0.0.1");
    // the key matches the certificate, says openssl
    assertThat(Openssl.run(tmp, "x509", "-in", "api.pem", "-noout", "-pubkey").output())
        .isEqualTo(Openssl.run(tmp, "pkey", "-in", "api.key", "-pubout").output());

    // A client certificate from a CSR that openssl made (DER, to show both encodings are read).
    Openssl.run(tmp, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "bob.key", "-subj", "/CN=bob", "-outform", "DER", "-out", "bob.csr").assertOk();
    assertThat(cli.run("issue", "--profile", "client", "--csr", tmp + "/bob.csr", "--out", tmp + "/bob.pem").exit())
        .isZero();
    Openssl.run(tmp, "verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, "bob.pem").assertOk();

    // A device certificate with its key in PKCS#12, which openssl opens with the password.
    Cli.Result device = cli.run("issue", "--profile", "device", "--cn", "dev-42", "--san", "uri:spiffe://acme/dev/42",
        "--p12-out", tmp + "/dev.p12", "--p12-password", "changeit", "--out", tmp + "/dev.pem", "--validity", "90d");
    assertThat(device.exit()).as(device.err()).isZero();
    Openssl.Result p12 = Openssl.run(tmp, "pkcs12", "-in", "dev.p12", "-passin", "pass:changeit", "-nodes", "-info");
    assertThat(p12.exit()).as(p12.output()).isZero();
    assertThat(p12.output()).contains("subject=CN = dev-42").contains("BEGIN PRIVATE KEY")
        .contains("subject=O = Acme Test, CN = Acme Test Issuing CA");

    // Revoke bob by the serial as openssl prints it, then publish the CRL as DER.
    String serial = Openssl.run(tmp, "x509", "-in", "bob.pem", "-noout", "-serial").assertOk().output().trim()
        .replace("serial=", "");
    Cli.Result crlBefore = cli.run("crl", "--out", tmp + "/before.der");
    assertThat(crlBefore.exit()).isZero();
    Cli.Result revoke = cli.run("revoke", serial, "--reason", "keyCompromise");
    assertThat(revoke.exit()).as(revoke.err()).isZero();
    assertThat(revoke.out()).contains("Revoked certificate " + serial);
    assertThat(cli.run("crl", "--out", tmp + "/crl.der").exit()).isZero();

    Openssl.Result crl = Openssl.run(tmp, "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text", "-CAfile",
        issuing, "-verify");
    assertThat(crl.exit()).as(crl.output()).isZero();
    assertThat(crl.output()).contains("verify OK").contains(serial).contains("Key Compromise");
    assertThat(crlNumber(tmp, "crl.der")).isGreaterThan(crlNumber(tmp, "before.der"));
    Openssl.run(tmp, "crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem").assertOk();
    Openssl.Result refused = Openssl.run(tmp, "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing,
        "-CRLfile", "crl.pem", "bob.pem");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked");
    Openssl.run(tmp, "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", "crl.pem",
        "api.pem").assertOk();

    // list, show and audit see the same story
    Cli.Result revokedList = cli.run("list", "--status", "revoked", "--json");
    assertThat(revokedList.out()).contains("\"serial\": \"" + serial + "\"").contains("\"status\": \"revoked\"")
        .doesNotContain("api.test");
    Cli.Result show = cli.run("show", "--file", tmp + "/bob.pem");
    assertThat(show.out()).contains("Status          revoked at").contains("(keyCompromise)")
        .contains("Ext. key usage  clientAuth");
    Cli.Result chain = cli.run("export-chain", "--out", tmp + "/chain.pem");
    assertThat(chain.exit()).isZero();
    Openssl.run(tmp, "verify", "-CAfile", root, "-untrusted", "chain.pem", "api.pem").assertOk();
    Cli.Result audit = cli.run("audit", "verify");
    assertThat(audit.exit()).isZero();
    assertThat(audit.out()).contains("Audit log intact: 6 entries"); // init, admin cert, 3 issues, 1 revoke
  }

  private static long crlNumber(Path dir, String der) {
    String text = Openssl.run(dir, "crl", "-inform", "DER", "-in", der, "-noout", "-crlnumber").assertOk().output();
    return Long.parseLong(text.trim().replace("crlNumber=0x", ""), 16);
  }
}
