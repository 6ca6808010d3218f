package dev.padlock.tls.enroll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;

/**
 * A client of an EST server (RFC 7030): {@code cacerts}, {@code simpleenroll} with a one-time token as the
 * HTTP Basic password, and {@code simplereenroll} authenticated by the current certificate over mutual TLS.
 * Server authentication is always on: the server's chain must lead to one of the trusted roots, and its
 * certificate must name the host. Built with {@link #builder(URI)}; immutable and thread-safe.
 */
public final class EstClient {
  private static final Pattern DETAIL = Pattern.compile("\"detail\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  private EstClient(URI base, HttpClient http, Duration timeout) {
    this.base = base;
    this.http = http;
    this.timeout = timeout;
  }

  /** A client of the EST server at {@code server}, e.g. {@code https://ca.internal:8443}. */
  public static Builder builder(URI server) {
    return new Builder(server);
  }

  /** Builds an {@link EstClient}. */
  public static final class Builder {
    private final URI server;
    private List<X509Certificate> trust;
    private PrivateKey key;
    private List<X509Certificate> chain;
    private String label;
    private Duration timeout = Duration.ofSeconds(30);
    private SSLContext sslContext;

    private Builder(URI server) {
      if (!"https".equals(server.getScheme()) || server.getHost() == null) {
        throw new IllegalArgumentException("the EST server must be an https:// URL, got " + server);
      }
      this.server = server;
    }

    /** The roots the server's certificate must chain to. Required (unless an SSL context is given). */
    public Builder trust(List<X509Certificate> roots) {
      this.trust = List.copyOf(roots);
      return this;
    }

    /** Our certificate (leaf first) and key, presented for {@code simplereenroll}. If unset, none is presented. */
    public Builder identity(PrivateKey privateKey, List<X509Certificate> certificateChain) {
      this.key = Objects.requireNonNull(privateKey);
      this.chain = List.copyOf(certificateChain);
      return this;
    }

    /** The EST label (a padlock profile): {@code /.well-known/est/LABEL/…}. If unset, no label. */
    public Builder label(String profile) {
      this.label = profile;
      return this;
    }

    /** Connect and response timeout. If unset, 30 seconds. */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /** Uses this context as is (its trust decides who the server may be). Package-private: for the bootstrap. */
    Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    public EstClient build() {
      SSLContext ctx = sslContext != null ? sslContext : context();
      SSLParameters params = new SSLParameters();
      params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      HttpClient http = HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(timeout)
          .version(HttpClient.Version.HTTP_1_1).build();
      String path = server.getPath() == null || server.getPath().isEmpty() || server.getPath().equals("/") ? ""
          : server.getPath().replaceAll("/$", "");
      URI base = server.resolve(path + "/.well-known/est/" + (label == null ? "" : label + "/"));
      return new EstClient(base, http, timeout);
    }

    private SSLContext context() {
      if (trust == null || trust.isEmpty()) {
        throw new IllegalStateException("an EST client needs the CA roots to trust (trust(...))");
      }
      try {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        for (int i = 0; i < trust.size(); i++) {
          anchors.setCertificateEntry("root-" + i, trust.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        KeyManagerFactory kmf = null;
        if (key != null) {
          KeyStore ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          ks.setKeyEntry("me", key, new char[0], chain.toArray(X509Certificate[]::new));
          kmf = KeyManagerFactory.getInstance("PKIX");
          kmf.init(ks, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
      } catch (Exception e) {
        throw new IllegalStateException("cannot set up TLS for the EST client: " + e.getMessage(), e);
      }
    }
  }

  /** The CA certificates the server distributes ({@code /cacerts}), in no particular order. */
  public List<X509Certificate> caCerts() throws EstException {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve("cacerts")).GET(), "cacerts");
    return certificates(r, "cacerts");
  }

  /** {@code simpleenroll}: the certificates of the response (the new one among them). */
  public List<X509Certificate> simpleEnroll(byte[] csrDer, String token) throws EstException {
    String basic = Base64.getEncoder().encodeToString(("padlock:" + token).getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = send(post("simpleenroll", csrDer).header("Authorization", "Basic " + basic),
        "simpleenroll");
    return certificates(r, "simpleenroll");
  }

  /** {@code simplereenroll}, authenticated by the identity this client was built with. */
  public List<X509Certificate> simpleReenroll(byte[] csrDer) throws EstException {
    return certificates(send(post("simplereenroll", csrDer), "simplereenroll"), "simplereenroll");
  }

  private HttpRequest.Builder post(String op, byte[] csrDer) {
    byte[] body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encode(csrDer);
    return HttpRequest.newBuilder(base.resolve(op))
        .header("Content-Type", "application/pkcs10")
        .header("Content-Transfer-Encoding", "base64")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, String op) throws EstException {
    try {
      HttpResponse<byte[]> r = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() / 100 != 2) {
        throw new EstException(r.statusCode(), op + " refused by " + base.getAuthority() + ": HTTP " + r.statusCode()
            + detail(r));
      }
      return r;
    } catch (SSLHandshakeException e) {
      throw EstException.refusedLocally("TLS with " + base.getAuthority() + " failed: " + e.getMessage());
    } catch (ConnectException e) {
      throw new EstException("cannot reach " + base.getAuthority() + ": connection refused", e);
    } catch (IOException e) {
      throw new EstException("cannot reach " + base.getAuthority() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EstException("interrupted while talking to " + base.getAuthority(), e);
    }
  }

  private static String detail(HttpResponse<byte[]> r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (type.contains("json")) {
      Matcher m = DETAIL.matcher(new String(r.body(), StandardCharsets.UTF_8));
      if (m.find()) {
        return ": " + m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
    }
    return "";
  }

  /** A certs-only CMS SignedData (RFC 7030 §4.1.3), base64 as the RFC says. */
  private static List<X509Certificate> certificates(HttpResponse<byte[]> r, String op) throws EstException {
    try {
      byte[] der = Base64.getMimeDecoder().decode(r.body());
      CMSSignedData cms = new CMSSignedData(der);
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(h.getEncoded())));
      }
      if (out.isEmpty()) {
        throw new EstException(r.statusCode(), op + ": the response holds no certificate");
      }
      return out;
    } catch (CMSException | IOException | java.security.cert.CertificateException | IllegalArgumentException e) {
      throw new EstException(r.statusCode(), op + ": the response is not a base64 PKCS#7 certs-only message: "
          + e.getMessage());
    }
  }

}
