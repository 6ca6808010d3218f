package dev.padlock.server;

import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.authorize.EnrollmentToken;
import dev.padlock.ca.authorize.TokenRequest;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.store.CertificateQuery;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A CA in a temporary directory and {@code padlock serve} on loopback (free ports), for one test class.
 * Its clock is a {@link MutableClock}.
 */
final class ServerFixture implements AutoCloseable {
  static final String PASSPHRASE = "correct horse battery staple";

  static {
    // The app's own JVM: H2's AUTO_SERVER listener (other processes reach the database through it) binds
    // to loopback only, as PadlockCli.main sets it for the real thing.
    System.setProperty("h2.bindAddress", "127.0.0.1");
  }

  final Path dir;
  final MutableClock clock;
  final PadlockServer server;
  final CertificateAuthority ca;
  final Path root;
  final Path issuing;
  final Path trust;

  ServerFixture(Path tmp) throws IOException {
    this(tmp, ServerConfig.DEFAULT_MAX_BODY_BYTES);
  }

  ServerFixture(Path tmp, int maxBody) throws IOException {
    this(tmp, maxBody, conf -> conf);
  }

  /** @param config edits padlock.conf (its text) between init and the server's start */
  ServerFixture(Path tmp, int maxBody, java.util.function.UnaryOperator<String> config) throws IOException {
    dir = tmp.resolve("ca");
    clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    CaInitializer.init(new CaInitializer.Options(dir, "Test", KeyAlgorithm.EC_P256, Optional.empty(),
        Optional.empty(), PASSPHRASE.toCharArray()), clock);
    Path conf = dir.resolve("padlock.conf");
    Files.writeString(conf, config.apply(Files.readString(conf)));
    server = PadlockServer.start(ServerConfig.builder(dir).passphrase(PassphraseSource.of(PASSPHRASE.toCharArray()))
        .clock(clock).bindAddress("127.0.0.1").httpsPort(0).httpPort(0).maxBodyBytes(maxBody).build());
    ca = server.authority();
    root = dir.resolve("root.pem");
    issuing = dir.resolve("issuing.pem");
    trust = tmp.resolve("trust.pem");
    Files.writeString(trust, Files.readString(root) + Files.readString(issuing));
  }

  String https(String path) {
    return "https://127.0.0.1:" + server.httpsPort() + path;
  }

  String http(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  String token(String profile, String cn, String... sans) {
    return token(profile, cn, Duration.ofHours(1), sans);
  }

  String token(String profile, String cn, Duration ttl, String... sans) {
    EnrollmentToken t = ca.createToken(new TokenRequest(profile, cn,
        Arrays.stream(sans).map(SubjectAltName::parse).toList(), ttl), "test");
    return t.value();
  }

  /** Certificates in the store, the server's own TLS certificate and init's admin certificate included. */
  int certificateCount() {
    return ca.list(CertificateQuery.all(clock.instant().plus(Duration.ofDays(3650)), 1000)).size();
  }

  long auditEntries() {
    return ca.verifyAudit().entries();
  }

  /** A client certificate issued directly (the CLI way), with its key. */
  Identity issueClient(String cn) {
    IssuedCertificate issued = ca.issue(IssueRequest.builder("client").commonName(cn).build());
    return new Identity(issued.generatedKey().orElseThrow().getPrivate(), List.of(issued.certificate()));
  }

  Identity admin() throws IOException {
    PrivateKey key = EncryptedKeyFile.read(dir.resolve("admin.key"), PASSPHRASE.toCharArray());
    return new Identity(key, Pem.readCertificates(Files.readAllBytes(dir.resolve("admin.pem")), "admin.pem"));
  }

  /** A key and its certificate (leaf first). */
  record Identity(PrivateKey key, List<X509CertificateHolder> chain) {
    X509CertificateHolder certificate() {
      return chain.get(0);
    }

    /** Writes cert and key PEM files for curl/openssl; returns {cert, key}. */
    Path[] write(Path dir, String name) throws IOException {
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + ".key");
      Files.writeString(cert, Pem.certificates(chain));
      Files.writeString(key, Pem.privateKey(this.key));
      return new Path[] {cert, key};
    }
  }

  SSLContext sslContext(Identity client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", jdk(ca.rootCertificate()));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<Certificate> chain = new ArrayList<>();
        for (X509CertificateHolder c : client.chain()) {
          chain.add(jdk(c));
        }
        keys.setKeyEntry("client", client.key(), new char[0], chain.toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static X509Certificate jdk(X509CertificateHolder h) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(h.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  HttpClient client(Identity identity) {
    return HttpClient.newBuilder().sslContext(sslContext(identity)).connectTimeout(Duration.ofSeconds(10)).build();
  }

  HttpResponse<String> send(Identity identity, HttpRequest request) {
    try {
      return client(identity).send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    server.close();
  }
}
