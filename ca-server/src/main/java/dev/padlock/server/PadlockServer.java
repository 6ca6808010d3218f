package dev.padlock.server;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.revoke.OcspResponder;
import dev.padlock.server.api.ApiResource;
import dev.padlock.server.api.OcspHandler;
import dev.padlock.server.api.PublicResource;
import dev.padlock.server.est.EstResource;
import dev.padlock.server.problem.BodyLimitFilter;
import dev.padlock.server.problem.ProblemMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code padlock serve}: the CA on the network. Two listeners on Jetty 12, each with its own Jersey
 * application:
 *
 * <ul>
 *   <li>HTTPS: EST (RFC 7030), the JSON API, and the public objects; TLS 1.3/1.2 with AEAD suites, a
 *       certificate the CA issues itself (renewed when a third of its life is left), client certificates
 *       wanted but not required;
 *   <li>plain HTTP: only what a CA publishes to everyone — CA certificates, the CRL, OCSP — and metrics.
 * </ul>
 *
 * <p>{@link #close()} stops both gracefully and closes the CA; {@code padlock serve} calls it on SIGTERM.
 */
public final class PadlockServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PadlockServer.class);
  private static final Duration RENEWAL_CHECK = Duration.ofHours(1);

  private final ServerConfig config;
  private final CertificateAuthority ca;
  private final Metrics metrics;
  private final AtomicReference<ServerIdentity> identity;
  private final SslContextFactory.Server ssl;
  private final Server https;
  private final Server http;
  private final ScheduledExecutorService renewer;

  private PadlockServer(ServerConfig config, CertificateAuthority ca, ServerIdentity identity) {
    this.config = config;
    this.ca = ca;
    this.metrics = new Metrics();
    this.identity = new AtomicReference<>(identity);
    this.ssl = ServerTls.factory(ServerTls.context(identity.key(), identity.chain(), ca.chain(), ca.clock()));
    OcspResponder ocsp = ca.ocspResponder();
    this.https = jetty("https", ssl, httpsApplication(), ocsp);
    this.http = jetty("http", null, httpApplication(), ocsp);
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "padlock-tls-renewal");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the CA, unlocks its key (a wrong passphrase fails here), loads or issues the server's TLS
   * certificate, and starts both listeners.
   */
  public static PadlockServer start(ServerConfig config) {
    CertificateAuthority ca = CertificateAuthority.open(config.caDir(), config.clock(), config.passphrase());
    PadlockServer server = null;
    try {
      ca.unlock();
      char[] pw = config.passphrase().passphrase("to unlock the server's TLS key");
      ServerIdentity id;
      try {
        id = ServerIdentity.loadOrIssue(ca, config.tlsNames(), pw);
      } finally {
        Arrays.fill(pw, '\0');
      }
      server = new PadlockServer(config, ca, id);
      server.https.start();
      server.http.start();
      long period = RENEWAL_CHECK.toSeconds();
      server.renewer.scheduleAtFixedRate(server::renewTlsIfDueQuietly, period, period, TimeUnit.SECONDS);
      LOG.info("padlock serving CA '{}': https://{}:{} (EST, API), http://{}:{} (CRL, OCSP, CA certificates, metrics)",
          ca.config().name(), config.bindAddress(), server.httpsPort(), config.bindAddress(), server.httpPort());
      return server;
    } catch (PadlockException e) {
      closeQuietly(server, ca);
      throw e;
    } catch (Exception e) {
      closeQuietly(server, ca);
      throw new PadlockException(ErrorCode.INTERNAL, "cannot start the server on " + config.bindAddress() + " ports "
          + config.httpsPort() + "/" + config.httpPort() + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(PadlockServer server, CertificateAuthority ca) {
    if (server != null) {
      server.close();
    } else {
      ca.close();
    }
  }

  public int httpsPort() {
    return ((ServerConnector) https.getConnectors()[0]).getLocalPort();
  }

  public int httpPort() {
    return ((ServerConnector) http.getConnectors()[0]).getLocalPort();
  }

  public CertificateAuthority authority() {
    return ca;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The server's current TLS certificate. */
  public org.bouncycastle.cert.X509CertificateHolder tlsCertificate() {
    return identity.get().certificate();
  }

  /**
   * Renews the server's TLS certificate when a third of its lifetime is left (checked hourly): issues a new
   * one, builds a new SSLContext, and swaps it into the listener; on failure the old one stays.
   *
   * @return true if it renewed
   */
  public boolean renewTlsIfDue() {
    if (!identity.get().renewalDue(ca.clock().instant())) {
      return false;
    }
    renewTls();
    return true;
  }

  /** Issues a new TLS certificate for the server now and swaps it into the listener; on failure the old one stays. */
  public void renewTls() {
    char[] pw = config.passphrase().passphrase("to store the server's new TLS key");
    ServerIdentity fresh;
    try {
      fresh = ServerIdentity.issue(ca, config.tlsNames(), pw);
    } finally {
      Arrays.fill(pw, '\0');
    }
    var context = ServerTls.context(fresh.key(), fresh.chain(), ca.chain(), ca.clock());
    try {
      ssl.reload(f -> f.setSslContext(context));
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot swap in the renewed TLS certificate", e);
    }
    identity.set(fresh);
    LOG.info("renewed the server's TLS certificate: serial {}, valid until {}",
        fresh.certificate().getSerialNumber().toString(16), fresh.certificate().getNotAfter().toInstant());
  }

  private void renewTlsIfDueQuietly() {
    try {
      renewTlsIfDue();
    } catch (RuntimeException e) {
      LOG.error("cannot renew the server's TLS certificate; keeping the current one", e);
    }
  }

  private ResourceConfig common(String listener) {
    ResourceConfig rc = new ResourceConfig();
    rc.register(JacksonFeature.withoutExceptionMappers());
    rc.register(new ProblemMapper(metrics));
    rc.register(new BodyLimitFilter(config.maxBodyBytes()));
    rc.register(new LatencyFilter(metrics, listener));
    rc.register(new ContentLengthInterceptor());
    rc.register(new AbstractBinder() {
      @Override
      protected void configure() {
        bind(ca).to(CertificateAuthority.class);
        bind(metrics).to(Metrics.class);
      }
    });
    rc.register(PublicResource.class);
    rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    return rc;
  }

  private ResourceConfig httpsApplication() {
    ResourceConfig rc = common("https");
    rc.register(EstResource.class);
    rc.register(ApiResource.class);
    return rc;
  }

  private ResourceConfig httpApplication() {
    return common("http");
  }

  /** A Jetty server for {@code listener} ({@code https} or {@code http}): OCSP's POST form, then Jersey. */
  private Server jetty(String listener, SslContextFactory.Server tls, ResourceConfig app, OcspResponder ocsp) {
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("padlock-" + listener);
    Server server = new Server(threads);
    HttpConfiguration hc = new HttpConfiguration();
    hc.setSendServerVersion(false);
    hc.setSendXPoweredBy(false);
    // OCSP's GET form (RFC 6960 A.1) puts base64 in the path, so an encoded '/' (%2F) must reach Jersey.
    hc.setUriCompliance(UriCompliance.DEFAULT.with("padlock-ocsp-get",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    ServerConnector connector;
    if (tls != null) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniRequired(false);
      secure.setSniHostCheck(false);
      secure.setStsMaxAge(-1);
      hc.addCustomizer(secure);
      connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(hc));
      connector.setPort(config.httpsPort());
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(hc));
      connector.setPort(config.httpPort());
    }
    connector.setHost(config.bindAddress());
    server.addConnector(connector);
    server.setHandler(new OcspHandler(ocsp, metrics, listener, config.maxBodyBytes(),
        ContainerFactory.createContainer(JettyHttpContainer.class, app)));
    server.setStopTimeout(5_000);
    return server;
  }

  /**
   * Stops the renewal of the server's own certificate from starting again, stops both listeners (each lets
   * requests in flight finish, up to 5 s; Jetty interrupts those still running after that), waits up to 10 s
   * for a renewal under way to finish, and closes the CA. The renewal is interrupted only if it runs longer
   * (an interrupt in H2's file I/O stops the database: see {@code Uninterrupted} in ca-core). An
   * interrupt pending on the closing thread (a shutdown hook's) is held back until all of this is done, so
   * that it cuts neither Jetty's graceful stop nor the wait short.
   */
  @Override
  public void close() {
    boolean interrupted = Thread.interrupted();
    try {
      renewer.shutdown(); // the periodic renewal is cancelled; one under way goes on while the listeners stop
      for (Server s : new Server[] {https, http}) {
        try {
          s.stop();
        } catch (Exception e) {
          LOG.warn("stopping {}: {}", s, e.toString());
        }
      }
      try {
        if (!renewer.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("the server certificate's renewal did not finish within 10 s: interrupting it");
          renewer.shutdownNow();
          renewer.awaitTermination(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        interrupted = true;
        renewer.shutdownNow();
      }
      ca.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
