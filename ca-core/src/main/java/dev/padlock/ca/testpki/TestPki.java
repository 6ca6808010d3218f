package dev.padlock.ca.testpki;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.CrlTemplate;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.sign.BouncyCastle;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.RevokedEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A ready set of good and deliberately bad certificates from a throwaway CA, for users' own tests of
 * mutual TLS (and padlock's): valid server and client, expired, not yet valid, revoked (with a CRL), wrong
 * EKU, wrong host name, untrusted issuer, incomplete chain, and a stale CRL. Written with a README saying
 * which file should fail how. Nothing here is for production: the leaf keys are written unencrypted and the
 * CA keys are thrown away.
 */
public final class TestPki {
  /** How long the good certificates stay valid. */
  static final Duration LEAF_LIFE = Duration.ofDays(365);

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> readme = new LinkedHashMap<>();
  private Path out;
  private Instant now;

  public TestPki(Clock clock) {
    this.clock = clock;
  }

  /** Writes the set into {@code dir} (created if missing; refused if it holds files already). */
  public Map<String, String> write(Path dir) {
    out = dir.toAbsolutePath();
    try {
      if (Files.exists(out) && (!Files.isDirectory(out) || Files.list(out).findAny().isPresent())) {
        throw new PadlockException(ErrorCode.CA_EXISTS, out + " is not empty: testpki writes into a new or empty directory");
      }
      Files.createDirectories(out);
      generate();
      Files.writeString(out.resolve("README.md"), readmeText(), StandardCharsets.UTF_8);
      return readme;
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot write the test PKI to " + out + ": " + e.getMessage(), e);
    }
  }

  private void generate() throws IOException {
    now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant from = now.minus(Duration.ofHours(1));
    Instant until = now.plus(LEAF_LIFE);

    Ca root = rootCa("padlock test Root CA", from, now.plus(Duration.ofDays(3650)));
    Ca issuing = intermediate(root, "padlock test Issuing CA", from, now.plus(Duration.ofDays(1825)));
    Ca stranger = rootCa("untrusted test Root CA", from, now.plus(Duration.ofDays(3650)));
    Ca strangerIssuing = intermediate(stranger, "untrusted test Issuing CA", from, now.plus(Duration.ofDays(1825)));

    cert("ca/root.pem", root.cert, "Trust anchor: the root CA. Give it to clients and servers as their CA file.");
    cert("ca/issuing.pem", issuing.cert, "The issuing (intermediate) CA that signed every good leaf.");
    text("ca/chain.pem", Pem.certificate(issuing.cert) + Pem.certificate(root.cert),
        "Issuing CA then root: a CA bundle for peers that want the whole chain.");
    cert("ca/untrusted-root.pem", stranger.cert, "A root nobody trusts; it issued the untrusted-* leaves.");

    List<SubjectAltName> serverNames = List.of(SubjectAltName.parse("dns:localhost"),
        SubjectAltName.parse("ip:127.0.0.1"), SubjectAltName.parse("ip:::1"));
    List<SubjectAltName> clientNames = List.of(SubjectAltName.parse("uri:spiffe://padlock.test/client"));
    KeyPurposeId srv = KeyPurposeId.id_kp_serverAuth;
    KeyPurposeId cli = KeyPurposeId.id_kp_clientAuth;

    leaf("server", issuing, "localhost", serverNames, srv, from, until,
        "GOOD. Server for localhost, 127.0.0.1, ::1 (EKU serverAuth).");
    leaf("client", issuing, "test-client", clientNames, cli, from, until,
        "GOOD. Client test-client, URI SAN spiffe://padlock.test/client (EKU clientAuth).");
    leaf("expired-server", issuing, "localhost", serverNames, srv, now.minus(Duration.ofDays(60)),
        now.minus(Duration.ofDays(30)), "BAD: expired 30 days ago. Expect 'certificate expired'.");
    leaf("expired-client", issuing, "expired-client", clientNames, cli, now.minus(Duration.ofDays(60)),
        now.minus(Duration.ofDays(30)), "BAD: expired 30 days ago. Expect 'certificate expired'.");
    leaf("not-yet-valid-server", issuing, "localhost", serverNames, srv, now.plus(Duration.ofDays(30)),
        now.plus(Duration.ofDays(60)), "BAD: valid only from 30 days from now. Expect 'certificate is not yet valid'.");
    leaf("not-yet-valid-client", issuing, "future-client", clientNames, cli, now.plus(Duration.ofDays(30)),
        now.plus(Duration.ofDays(60)), "BAD: valid only from 30 days from now. Expect 'certificate is not yet valid'.");
    X509CertificateHolder revokedServer = leaf("revoked-server", issuing, "localhost", serverNames, srv, from, until,
        "BAD: revoked (keyCompromise) in crl.pem. Fails only where the CRL is checked.");
    X509CertificateHolder revokedClient = leaf("revoked-client", issuing, "revoked-client", clientNames, cli, from,
        until, "BAD: revoked (keyCompromise) in crl.pem. Fails only where the CRL is checked.");
    leaf("wrong-eku-server", issuing, "localhost", serverNames, cli, from, until,
        "BAD as a server: its EKU is clientAuth only. Expect 'unsuitable certificate purpose'.");
    leaf("wrong-eku-client", issuing, "wrong-eku-client", clientNames, srv, from, until,
        "BAD as a client: its EKU is serverAuth only. Expect 'unsuitable certificate purpose'.");
    leaf("wrong-host-server", issuing, "wrong.example", List.of(SubjectAltName.parse("dns:wrong.example")), srv, from,
        until, "BAD for localhost: it names only wrong.example. Expect a host name mismatch.");
    leaf("untrusted-server", strangerIssuing, "localhost", serverNames, srv, from, until,
        "BAD: issued under untrusted-root.pem, not root.pem. Expect 'unable to get local issuer certificate'.");
    leaf("untrusted-client", strangerIssuing, "untrusted-client", clientNames, cli, from, until,
        "BAD: issued under untrusted-root.pem, not root.pem. Expect 'unable to get local issuer certificate'.");
    text("incomplete-chain-server.pem", Pem.certificate(read("server.pem")),
        "BAD when served alone: the good server certificate WITHOUT the issuing CA. A peer that trusts only "
            + "root.pem cannot build the chain. Serve server-chain.pem instead. Key: server.key.");

    List<RevokedEntry> revoked = List.of(
        new RevokedEntry(new SerialNumber(revokedServer.getSerialNumber()), now.minus(Duration.ofMinutes(30)),
            RevocationReason.KEY_COMPROMISE),
        new RevokedEntry(new SerialNumber(revokedClient.getSerialNumber()), now.minus(Duration.ofMinutes(30)),
            RevocationReason.KEY_COMPROMISE));
    crl("crl.pem", issuing, BigInteger.TWO, now, now.plus(Duration.ofDays(7)), revoked,
        "CRL of the issuing CA, valid for 7 days: lists revoked-server and revoked-client.");
    crl("crl-stale.pem", issuing, BigInteger.ONE, now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1)), revoked,
        "BAD: the same revocations, but its nextUpdate passed a day ago. Expect 'CRL has expired'.");
  }

  private record Ca(X509CertificateHolder cert, SoftwareCaSigner signer) {}

  private Ca rootCa(String cn, Instant from, Instant until) {
    KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
    X509CertificateHolder cert;
    try {
      cert = CertificateTemplate.ca(null, SerialNumber.random(random), name(cn), spki, from, until, 1, false)
          .sign(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
              .build(kp.getPrivate()));
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot sign the test root", e);
    }
    return new Ca(cert, new SoftwareCaSigner(cert, kp.getPrivate()));
  }

  private Ca intermediate(Ca parent, String cn, Instant from, Instant until) {
    KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
    X509CertificateHolder cert = CertificateTemplate.ca(parent.cert, SerialNumber.random(random), name(cn),
        SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()), from, until, 0, true).sign(parent.signer);
    return new Ca(cert, new SoftwareCaSigner(cert, kp.getPrivate()));
  }

  private X509CertificateHolder leaf(String base, Ca issuer, String cn, List<SubjectAltName> sans, KeyPurposeId eku,
      Instant from, Instant until, String description) throws IOException {
    KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
    X509CertificateHolder cert = CertificateTemplate.leaf(issuer.cert, SerialNumber.random(random), name(cn),
        SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()), false, from, until, eku, sans, Optional.empty())
        .sign(issuer.signer);
    cert(base + ".pem", cert, description);
    write(base + "-chain.pem", Pem.certificate(cert) + Pem.certificate(issuer.cert), false);
    write(base + ".key", Pem.privateKey(kp.getPrivate()), true);
    return cert;
  }

  private void crl(String file, Ca issuer, BigInteger number, Instant thisUpdate, Instant nextUpdate,
      List<RevokedEntry> entries, String description) throws IOException {
    CrlTemplate t = new CrlTemplate(issuer.cert, number, thisUpdate, nextUpdate);
    entries.forEach(t);
    text(file, Pem.crl(t.sign(issuer.signer)), description);
  }

  private static X500Name name(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  private X509CertificateHolder read(String file) throws IOException {
    return Pem.readCertificate(Files.readAllBytes(out.resolve(file)), file);
  }

  private void cert(String file, X509CertificateHolder cert, String description) throws IOException {
    text(file, Pem.certificate(cert), description);
  }

  private void text(String file, String content, String description) throws IOException {
    write(file, content, false);
    readme.put(file, description);
  }

  private void write(String file, String content, boolean secret) throws IOException {
    Path p = out.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not POSIX
    }
  }

  private String readmeText() {
    StringBuilder sb = new StringBuilder();
    sb.append("# padlock test PKI\n\n")
        .append("Made by `padlock testpki` at ").append(now).append(" from a throwaway CA whose keys were discarded.\n")
        .append("FOR TESTS ONLY: the leaf keys below are unencrypted.\n\n")
        .append("Trust `ca/root.pem`. Every leaf `NAME.pem` has its key in `NAME.key` and `NAME-chain.pem` holds the\n")
        .append("leaf followed by its issuing CA (serve that one). Good leaves are valid until ")
        .append(now.plus(LEAF_LIFE)).append(".\n\n")
        .append("Check any file with openssl, e.g.\n\n")
        .append("    openssl verify -CAfile ca/root.pem -untrusted ca/issuing.pem -purpose sslserver server.pem\n")
        .append("    openssl verify -crl_check -CAfile ca/root.pem -untrusted ca/issuing.pem -CRLfile crl.pem revoked-client.pem\n\n")
        .append("| file | what it is |\n|---|---|\n");
    List<String> files = new ArrayList<>(readme.keySet());
    for (String f : files) {
      sb.append("| `").append(f).append("` | ").append(readme.get(f)).append(" |\n");
    }
    return sb.toString();
  }
}
