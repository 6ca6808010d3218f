package dev.padlock.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose sockets, server sockets and engines start with padlock's parameters
 * (protocols, AEAD cipher suites, client authentication) instead of the provider's defaults, and, for
 * servers, report failed handshakes. It wraps a context initialised once with padlock's key and trust
 * managers; it cannot be initialised again (reloads swap the managers' state instead).
 */
public final class ConfiguredSslContext extends SSLContext {

  public ConfiguredSslContext(SSLContext delegate, SSLParameters params, boolean server,
      FailureReporter reporter) {
    super(new Spi(delegate, params, server, reporter), delegate.getProvider(),
        delegate.getProtocol());
  }

  private static SSLParameters copy(SSLParameters p) {
    SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
    if (p.getNeedClientAuth()) {
      c.setNeedClientAuth(true);
    } else if (p.getWantClientAuth()) {
      c.setWantClientAuth(true);
    }
    c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
    c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
    if (p.getServerNames() != null) {
      c.setServerNames(p.getServerNames());
    }
    c.setApplicationProtocols(p.getApplicationProtocols());
    return c;
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;
    private final SSLParameters params;
    private final boolean server;
    private final FailureReporter reporter;

    Spi(SSLContext delegate, SSLParameters params, boolean server, FailureReporter reporter) {
      this.delegate = delegate;
      this.params = copy(params);
      this.server = server;
      this.reporter = reporter;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("a padlock SSLContext is initialised once; MutualTls reloads "
          + "its identity and trust without re-initialising it");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new SocketFactory(delegate.getSocketFactory(), params, server, reporter);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new ServerSocketFactory(delegate.getServerSocketFactory(), params, reporter);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return configure(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure(delegate.createSSLEngine(host, port));
    }

    private SSLEngine configure(SSLEngine e) {
      e.setUseClientMode(!server);
      e.setSSLParameters(copy(params));
      return server ? new ReportingSslEngine(e, reporter) : e;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return copy(params);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }

  /**
   * Client sockets with padlock's parameters; for a server context, also server-mode sockets layered over an
   * accepted connection, which report failed handshakes as accepted ones do.
   */
  private static final class SocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final SSLParameters params;
    private final boolean server;
    private final FailureReporter reporter;

    SocketFactory(SSLSocketFactory delegate, SSLParameters params, boolean server, FailureReporter reporter) {
      this.delegate = delegate;
      this.params = params;
      this.server = server;
      this.reporter = reporter;
    }

    private Socket configure(Socket s) {
      if (s instanceof SSLSocket ssl) {
        SSLParameters p = copy(params);
        ssl.setSSLParameters(p);
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return params.getCipherSuites().clone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return configure(delegate.createSocket(s, host, port, autoClose));
    }

    /** A server-mode socket over {@code s}, accepted by the caller ({@code consumed}: bytes it already read). */
    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
      Socket layered = configure(delegate.createSocket(s, consumed, autoClose));
      return server ? new ReportingSslSocket((SSLSocket) layered, reporter) : layered;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return configure(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /** Server sockets with padlock's parameters whose accepted sockets report failed handshakes. */
  private static final class ServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;
    private final SSLParameters params;
    private final FailureReporter reporter;

    ServerSocketFactory(SSLServerSocketFactory delegate, SSLParameters params,
        FailureReporter reporter) {
      this.delegate = delegate;
      this.params = params;
      this.reporter = reporter;
    }

    private ServerSocket configure(ServerSocket s) throws IOException {
      SSLServerSocket ssl = (SSLServerSocket) s;
      ssl.setSSLParameters(copy(params));
      return new ReportingServerSocket(ssl, reporter);
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return params.getCipherSuites().clone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return configure(delegate.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return configure(delegate.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return configure(delegate.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress)
        throws IOException {
      return configure(delegate.createServerSocket(port, backlog, ifAddress));
    }
  }
}
