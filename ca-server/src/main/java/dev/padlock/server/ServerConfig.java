package dev.padlock.server;

import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.issue.SubjectAltName;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@code padlock serve} runs: which CA, where it listens, which names its TLS certificate carries,
 * how large a request body may be. Built with {@link #builder(Path)}, immutable once built.
 */
public record ServerConfig(Path caDir, PassphraseSource passphrase, Clock clock, String bindAddress, int httpsPort,
    int httpPort, List<SubjectAltName> tlsNames, int maxBodyBytes) {

  public static final int DEFAULT_HTTPS_PORT = 8443;
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  public ServerConfig {
    Objects.requireNonNull(caDir, "caDir");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(bindAddress, "bindAddress");
    tlsNames = List.copyOf(tlsNames);
    if (tlsNames.isEmpty()) {
      throw new IllegalArgumentException("the TLS certificate needs at least one name");
    }
    checkPort(httpsPort, "HTTPS");
    checkPort(httpPort, "HTTP");
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("the body limit must be at least 1024 bytes");
    }
  }

  private static void checkPort(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " port " + port + " is out of range (0 picks a free one)");
    }
  }

  public static Builder builder(Path caDir) {
    return new Builder(caDir);
  }

  /** Builds a {@link ServerConfig}. */
  public static final class Builder {
    private final Path caDir;
    private PassphraseSource passphrase = PassphraseSource.none();
    private Clock clock = Clock.systemUTC();
    private String bindAddress = "0.0.0.0";
    private int httpsPort = DEFAULT_HTTPS_PORT;
    private int httpPort = DEFAULT_HTTP_PORT;
    private final List<SubjectAltName> tlsNames = new ArrayList<>();
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder(Path caDir) {
      this.caDir = caDir;
    }

    /** Unlocks the CA keys (and the server's TLS key, encrypted the same way). If unset, none: start fails. */
    public Builder passphrase(PassphraseSource source) {
      this.passphrase = source;
      return this;
    }

    /** The clock for validity, tokens, CRL and OCSP times. If unset, the system UTC clock. */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /** The address both listeners bind to. If unset, {@code 0.0.0.0} (all interfaces). */
    public Builder bindAddress(String address) {
      this.bindAddress = address;
      return this;
    }

    /** The HTTPS port (EST, the JSON API); 0 picks a free one. If unset, {@value #DEFAULT_HTTPS_PORT}. */
    public Builder httpsPort(int port) {
      this.httpsPort = port;
      return this;
    }

    /** The plain-HTTP port (CA certificates, CRL, OCSP, metrics); 0 picks a free one. If unset, {@value #DEFAULT_HTTP_PORT}. */
    public Builder httpPort(int port) {
      this.httpPort = port;
      return this;
    }

    /** Adds a name for the server's TLS certificate. If none is added, {@code dns:localhost} and {@code ip:127.0.0.1}. */
    public Builder tlsName(SubjectAltName name) {
      this.tlsNames.add(name);
      return this;
    }

    /** The largest request body accepted. If unset, 64 KiB. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    public ServerConfig build() {
      List<SubjectAltName> names = tlsNames.isEmpty()
          ? List.of(SubjectAltName.parse("dns:localhost"), SubjectAltName.parse("ip:127.0.0.1")) : tlsNames;
      return new ServerConfig(caDir, passphrase, clock, bindAddress, httpsPort, httpPort, names, maxBodyBytes);
    }
  }
}
