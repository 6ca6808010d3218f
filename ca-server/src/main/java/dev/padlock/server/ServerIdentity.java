package dev.padlock.server;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.BouncyCastle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The server's own TLS certificate, which the CA issues to itself (profile {@code server}) on first start
 * and again when a third of its lifetime is left, when its names change or when the issuing CA changed.
 * Kept in the CA directory as {@code server/tls.pem} (certificate, then issuing CA) and {@code server/tls.key}
 * (PKCS#8, encrypted with the CA passphrase).
 */
record ServerIdentity(PrivateKey key, List<X509CertificateHolder> chain) {
  static final String CERT_FILE = "tls.pem";
  static final String KEY_FILE = "tls.key";

  X509CertificateHolder certificate() {
    return chain.get(0);
  }

  /** True once less than a third of the certificate's lifetime is left. */
  boolean renewalDue(Instant now) {
    Instant from = certificate().getNotBefore().toInstant();
    Instant to = certificate().getNotAfter().toInstant();
    Instant due = to.minus(Duration.between(from, to).dividedBy(3));
    return !now.isBefore(due);
  }

  /** The stored identity if it is still good for {@code names} at the CA's time; else a newly issued one, stored. */
  static ServerIdentity loadOrIssue(CertificateAuthority ca, List<SubjectAltName> names, char[] passphrase) {
    Optional<ServerIdentity> stored = load(ca, passphrase);
    Instant now = ca.clock().instant();
    if (stored.isPresent() && stored.get().fits(ca, names) && !stored.get().renewalDue(now)) {
      return stored.get();
    }
    return issue(ca, names, passphrase);
  }

  /** Issues a new identity and stores it, replacing the old files atomically. */
  static ServerIdentity issue(CertificateAuthority ca, List<SubjectAltName> names, char[] passphrase) {
    String cn = names.stream().filter(n -> n.type() == SubjectAltName.Type.DNS).map(SubjectAltName::value)
        .findFirst().orElse(names.get(0).value());
    IssuedCertificate issued = ca.issue(IssueRequest.builder("server").commonName(cn).sans(names)
        .requester("serve").build());
    PrivateKey key = issued.generatedKey().orElseThrow().getPrivate();
    List<X509CertificateHolder> chain = List.of(issued.certificate(), ca.issuingCertificate());
    Path dir = ca.directory().serverDirectory();
    try {
      Files.createDirectories(dir);
      write(dir.resolve(KEY_FILE), EncryptedKeyFile.encrypt(key, passphrase, new SecureRandom()), true);
      write(dir.resolve(CERT_FILE), Pem.certificates(chain), false);
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot store the server certificate in " + dir + ": "
          + e.getMessage(), e);
    }
    return new ServerIdentity(key, chain);
  }

  private static Optional<ServerIdentity> load(CertificateAuthority ca, char[] passphrase) {
    Path dir = ca.directory().serverDirectory();
    Path certFile = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    if (!Files.exists(certFile) || !Files.exists(keyFile)) {
      return Optional.empty();
    }
    try {
      List<X509CertificateHolder> chain = Pem.readCertificates(Files.readAllBytes(certFile), certFile.toString());
      PrivateKey key = EncryptedKeyFile.read(keyFile, passphrase);
      ServerIdentity id = new ServerIdentity(key, chain);
      return id.keyMatches() ? Optional.of(id) : Optional.empty();
    } catch (IOException | PadlockException e) {
      return Optional.empty(); // unreadable: issue a new one
    }
  }

  private boolean fits(CertificateAuthority ca, List<SubjectAltName> names) {
    X509CertificateHolder cert = certificate();
    try {
      if (!cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.provider())
          .build(ca.issuingCertificate()))) {
        return false;
      }
    } catch (Exception e) {
      return false;
    }
    GeneralNames gn = GeneralNames.fromExtensions(cert.getExtensions(), Extension.subjectAlternativeName);
    HashSet<SubjectAltName> have = new HashSet<>();
    if (gn != null) {
      for (GeneralName g : gn.getNames()) {
        SubjectAltName.of(g).ifPresent(have::add);
      }
    }
    return have.equals(new HashSet<>(names)) && !ca.clock().instant().isBefore(cert.getNotBefore().toInstant());
  }

  private boolean keyMatches() {
    try {
      var publicKey = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
          .setProvider(BouncyCastle.provider()).getCertificate(certificate()).getPublicKey();
      String alg = key.getAlgorithm().startsWith("EC") ? "SHA256withECDSA"
          : key.getAlgorithm().startsWith("RSA") ? "SHA256withRSA" : "Ed25519";
      byte[] probe = "padlock server key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg, BouncyCastle.provider());
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg, BouncyCastle.provider());
      v.initVerify(publicKey);
      v.update(probe);
      return v.verify(sig);
    } catch (Exception e) {
      return false;
    }
  }

  private static void write(Path file, String content, boolean secret) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not POSIX
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
