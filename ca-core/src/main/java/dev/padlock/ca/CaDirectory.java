package dev.padlock.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a CA directory, as {@code padlock init} lays them out:
 *
 * <pre>
 *   padlock.conf   settings and profiles (commented)
 *   root.pem       root CA certificate          root.key      its key, encrypted (absent with --offline-root)
 *   issuing.pem    issuing CA certificate       issuing.key   its key, encrypted
 *   chain.pem      issuing CA then root, for clients and servers to trust
 *   admin.pem      the admin client certificate (mutual TLS to 'padlock serve')   admin.key  its key, encrypted
 *   server/        the certificate 'padlock serve' issues itself for HTTPS, and its key (encrypted)
 *   db/            the H2 database: certificates, CRL, audit log
 * </pre>
 */
public record CaDirectory(Path path) {
  public CaDirectory {
    path = path.toAbsolutePath().normalize();
  }

  public Path config() {
    return path.resolve(CaConfig.FILE_NAME);
  }

  public Path rootCertificate() {
    return path.resolve("root.pem");
  }

  public Path rootKey() {
    return path.resolve("root.key");
  }

  public Path issuingCertificate() {
    return path.resolve("issuing.pem");
  }

  public Path issuingKey() {
    return path.resolve("issuing.key");
  }

  public Path chain() {
    return path.resolve("chain.pem");
  }

  /** Admin client certificates (PEM, one or more): their holders administer the CA over mutual TLS. */
  public Path adminCertificate() {
    return path.resolve("admin.pem");
  }

  /** The key of the admin certificate {@code padlock init} writes, encrypted with the CA passphrase. */
  public Path adminKey() {
    return path.resolve("admin.key");
  }

  /** Where {@code padlock serve} keeps the TLS certificate it issues itself, and its key. */
  public Path serverDirectory() {
    return path.resolve("server");
  }

  public Path database() {
    return path.resolve("db");
  }

  /** Files whose presence means a CA lives here. */
  List<Path> markers() {
    return List.of(config(), rootCertificate(), issuingCertificate(), issuingKey(), chain(), database());
  }

  public boolean exists() {
    return markers().stream().anyMatch(Files::exists);
  }
}
