package dev.padlock.ca;

import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.StoredCrl;
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates a CA: a self-signed root (path length 1, 10 years) and an issuing CA signed by it (path length
 * 0, 5 years, never past the root), their keys encrypted at rest, the config, the store with its first
 * audit entry, and the first CRL. Never overwrites an existing CA; on failure removes what it wrote.
 */
public final class CaInitializer {
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
  static final Duration ISSUING_VALIDITY = Duration.ofDays(1826);

  /** What to create. */
  public record Options(Path dir, String name, KeyAlgorithm keyType, Optional<String> baseUrl,
      Optional<Path> offlineRootDir, char[] passphrase) {
    public Options {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(keyType, "keyType");
      Objects.requireNonNull(passphrase, "passphrase");
    }
  }

  /** What was created, for the user to be told. */
  public record Result(CaDirectory directory, Path rootKey, X509CertificateHolder root,
      X509CertificateHolder issuing, String rootFingerprint, StoredCrl firstCrl, X509CertificateHolder admin) {}

  /** The CN of the admin client certificate init issues. */
  public static final String ADMIN_COMMON_NAME = "padlock-admin";

  private CaInitializer() {}

  public static Result init(Options o, Clock clock) {
    String name = o.name().trim();
    if (name.isEmpty() || name.length() > 56 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new PadlockException(ErrorCode.INVALID_NAME, "invalid CA name '" + o.name()
          + "': use 1 to 56 printable characters, e.g. --name \"Acme Internal\"");
    }
    if (o.passphrase().length == 0) {
      throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "the CA passphrase must not be empty");
    }
    if (o.keyType() == KeyAlgorithm.RSA_2048 || o.keyType() == KeyAlgorithm.RSA_4096) {
      throw new PadlockException(ErrorCode.UNSUPPORTED_KEY, "CA key type " + o.keyType().label()
          + " is not offered: use ec-p256, ec-p384, rsa-3072 or ed25519");
    }
    o.baseUrl().ifPresent(CaInitializer::checkBaseUrl);
    CaDirectory dir = new CaDirectory(o.dir());
    if (Files.exists(dir.path()) && !Files.isDirectory(dir.path())) {
      throw new PadlockException(ErrorCode.CA_EXISTS, dir.path() + " exists and is not a directory");
    }
    if (dir.exists()) {
      throw new PadlockException(ErrorCode.CA_EXISTS, "a CA already exists at " + dir.path()
          + ": init never overwrites one; choose another --dir");
    }
    Path rootKeyFile = o.offlineRootDir().map(p -> p.toAbsolutePath().resolve("root.key")).orElse(dir.rootKey());
    if (Files.exists(rootKeyFile)) {
      throw new PadlockException(ErrorCode.CA_EXISTS, rootKeyFile + " already exists: init never overwrites a key");
    }

    SecureRandom random = new SecureRandom();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(CertificateAuthority.BACKDATE);

    KeyPair rootKeys = o.keyType().generate(random);
    SubjectPublicKeyInfo rootSpki = SubjectPublicKeyInfo.getInstance(rootKeys.getPublic().getEncoded());
    X500Name rootName = caName(name, name + " Root CA");
    X509CertificateHolder root = CertificateTemplate.ca(null, SerialNumber.random(random), rootName, rootSpki,
        notBefore, now.plus(ROOT_VALIDITY), 1, false).sign(selfSigner(o.keyType(), rootKeys));
    SoftwareCaSigner rootSigner = new SoftwareCaSigner(root, rootKeys.getPrivate());

    KeyPair issuingKeys = o.keyType().generate(random);
    Instant issuingEnd = now.plus(ISSUING_VALIDITY);
    X509CertificateHolder issuing = CertificateTemplate.ca(root, SerialNumber.random(random),
        caName(name, name + " Issuing CA"), SubjectPublicKeyInfo.getInstance(issuingKeys.getPublic().getEncoded()),
        notBefore, issuingEnd.isAfter(root.getNotAfter().toInstant()) ? root.getNotAfter().toInstant() : issuingEnd,
        0, true).sign(rootSigner);

    Deque<Path> written = new ArrayDeque<>();
    try {
      boolean created = !Files.exists(dir.path());
      Files.createDirectories(dir.path());
      if (created) {
        written.push(dir.path());
      }
      restrict(dir.path(), "rwx------");
      if (o.offlineRootDir().isPresent() && !Files.exists(o.offlineRootDir().get())) {
        Files.createDirectories(o.offlineRootDir().get());
        written.push(o.offlineRootDir().get());
      }
      write(written, rootKeyFile, EncryptedKeyFile.encrypt(rootKeys.getPrivate(), o.passphrase(), random), true);
      write(written, dir.issuingKey(), EncryptedKeyFile.encrypt(issuingKeys.getPrivate(), o.passphrase(), random), true);
      write(written, dir.rootCertificate(), Pem.certificate(root), false);
      write(written, dir.issuingCertificate(), Pem.certificate(issuing), false);
      write(written, dir.chain(), Pem.certificate(issuing) + Pem.certificate(root), false);
      write(written, dir.config(), CaConfig.template(name, o.baseUrl()), false);
      written.push(dir.database());
      StoredCrl crl;
      X509CertificateHolder admin;
      try (CertificateStore store = JdbcStores.openH2(dir.path(), 1)) {
        store.appendAudit(new AuditEvent(now, "init", "", "cli", "root=" + root.getSubject() + " root_fingerprint="
            + Fingerprints.sha256(root.getEncoded()) + " issuing=" + issuing.getSubject() + " key_type="
            + o.keyType().label() + (o.offlineRootDir().isPresent() ? " root_key=offline" : "")));
      }
      try (CertificateAuthority ca = CertificateAuthority.open(dir.path(), clock,
          PassphraseSource.of(o.passphrase()))) {
        crl = ca.publishCrl();
        admin = issueAdmin(ca, o.passphrase(), random, written);
      }
      return new Result(dir, rootKeyFile, root, issuing, Fingerprints.sha256(root.getEncoded()), crl, admin);
    } catch (IOException | RuntimeException e) {
      undo(written);
      if (e instanceof PadlockException pe) {
        throw pe;
      }
      if (e instanceof FileAlreadyExistsException) {
        throw new PadlockException(ErrorCode.CA_EXISTS, e.getMessage() + " already exists: init never overwrites it");
      }
      throw new PadlockException(ErrorCode.INTERNAL, "cannot create the CA at " + dir.path() + ": " + e, e);
    }
  }

  /**
   * The admin client certificate: profile client, CN {@value #ADMIN_COMMON_NAME}, the profile's longest
   * validity; its key encrypted with the CA passphrase. {@code padlock serve} treats whoever presents it over
   * mutual TLS as an administrator.
   */
  private static X509CertificateHolder issueAdmin(CertificateAuthority ca, char[] passphrase, SecureRandom random,
      Deque<Path> written) throws IOException {
    IssuedCertificate issued = ca.issue(IssueRequest.builder("client").commonName(ADMIN_COMMON_NAME)
        .validity(ca.config().profile("client").maxValidity()).requester("init").build());
    PrivateKey key = issued.generatedKey().orElseThrow().getPrivate();
    write(written, ca.directory().adminKey(), EncryptedKeyFile.encrypt(key, passphrase, random), true);
    write(written, ca.directory().adminCertificate(), Pem.certificate(issued.certificate()), false);
    return issued.certificate();
  }

  private static void checkBaseUrl(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new java.net.URISyntaxException(url, "not http(s)");
      }
    } catch (java.net.URISyntaxException e) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "invalid --base-url '" + url
          + "': give the http(s) URL where the CA publishes its CRL and OCSP, e.g. http://ca.example:8080");
    }
  }

  private static X500Name caName(String org, String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, org).addRDN(BCStyle.CN, cn).build();
  }

  private static org.bouncycastle.operator.ContentSigner selfSigner(KeyAlgorithm type, KeyPair keys) {
    try {
      return new JcaContentSignerBuilder(type.signatureAlgorithm())
          .setProvider(dev.padlock.ca.sign.BouncyCastle.provider()).build(keys.getPrivate());
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot create the root signer", e);
    }
  }

  private static void write(Deque<Path> written, Path file, String content, boolean secret) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    written.push(file);
    restrict(file, secret ? "rw-------" : "rw-r--r--");
  }

  private static void restrict(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to do
    }
  }

  private static void undo(Deque<Path> written) {
    while (!written.isEmpty()) {
      deleteRecursively(written.pop());
    }
  }

  private static void deleteRecursively(Path p) {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: what is left is reported by the original failure
    }
  }
}
