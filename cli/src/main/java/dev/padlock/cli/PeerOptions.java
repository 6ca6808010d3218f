package dev.padlock.cli;

import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.TrustBundle;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * What {@code padlock probe} and {@code padlock trace} share: whom to trust, who we are, which TLS
 * version to offer, the server name, and where revocation data comes from. A picocli mixin.
 */
final class PeerOptions {
  @Option(names = "--ca", paramLabel = "FILE",
      description = "PEM file of the CA certificates to trust (default: the JDK's trust store).")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "Our certificate chain (PEM, leaf first), sent if the server asks for one.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "The private key of --cert (PEM).")
  Path key;

  @ArgGroup(exclusive = true)
  Version version;

  static final class Version {
    @Option(names = "--tls1.2", description = "Offer TLS 1.2 only.")
    boolean tls12;

    @Option(names = "--tls1.3", description = "Offer TLS 1.3 only.")
    boolean tls13;
  }

  @Option(names = "--servername", paramLabel = "NAME",
      description = "Name to send as SNI and to check the certificate against (default: HOST).")
  String serverName;

  @Option(names = "--crl", paramLabel = "FILE|URL",
      description = "A CRL to check the server's certificate against (repeatable); without CRL "
          + "or OCSP data for it, the server is refused.")
  List<String> crls = new ArrayList<>();

  @Option(names = "--ocsp",
      description = "Ask the OCSP responder named in the server's certificate (AIA).")
  boolean ocsp;

  Optional<TrustBundle> trust() {
    return ca == null ? Optional.empty() : Optional.of(read("--ca", ca, () -> TrustBundle.fromPem(ca)));
  }

  Optional<TlsIdentity> identity() {
    if ((cert == null) != (key == null)) {
      throw CliException.invalidInput("--cert and --key go together");
    }
    return cert == null ? Optional.empty()
        : Optional.of(read("--cert/--key", cert, () -> TlsIdentity.fromPem(cert, key)));
  }

  /** True for --tls1.2, false for --tls1.3, empty when both versions are offered. */
  Optional<Boolean> tls12Only() {
    return version == null ? Optional.empty() : Optional.of(version.tls12);
  }

  Optional<String> serverName() {
    return Optional.ofNullable(serverName);
  }

  /** The revocation source of --crl and --ocsp; empty when neither was given. */
  Optional<RevocationSource> revocation() {
    if (crls.isEmpty() && !ocsp) {
      return Optional.empty();
    }
    RevocationSource.Builder b = RevocationSource.builder();
    for (String crl : crls) {
      if (crl.startsWith("http://") || crl.startsWith("https://")) {
        try {
          b.crlUrl(URI.create(crl));
        } catch (IllegalArgumentException e) {
          throw CliException.invalidInput("--crl " + crl + " is not a valid URL: " + e.getMessage());
        }
      } else {
        b.crlFile(Path.of(crl));
      }
    }
    if (ocsp) {
      b.ocsp();
    }
    return Optional.of(b.build());
  }

  interface Reader<T> {
    T read() throws IOException;
  }

  /** Reads a file with {@code reader}; a file that cannot be read is invalid input naming the option. */
  static <T> T read(String option, Path file, Reader<T> reader) {
    try {
      return reader.read();
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.INVALID_INPUT,
          "cannot read " + option + " " + file + ": " + e.getMessage(), e);
    }
  }
}
