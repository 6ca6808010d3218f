package dev.padlock.tls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A server socket whose accepted sockets report handshake failures; otherwise it delegates. */
final class ReportingServerSocket extends SSLServerSocket {
  private final SSLServerSocket d;
  private final FailureReporter reporter;

  ReportingServerSocket(SSLServerSocket delegate, FailureReporter reporter) throws IOException {
    this.d = delegate;
    this.reporter = reporter;
  }

  @Override
  public Socket accept() throws IOException {
    return new ReportingSslSocket((SSLSocket) d.accept(), reporter);
  }

  @Override
  public void bind(SocketAddress endpoint) throws IOException {
    d.bind(endpoint);
  }

  @Override
  public void bind(SocketAddress endpoint, int backlog) throws IOException {
    d.bind(endpoint, backlog);
  }

  @Override
  public InetAddress getInetAddress() {
    return d.getInetAddress();
  }

  @Override
  public int getLocalPort() {
    return d.getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return d.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    d.close();
  }

  @Override
  public ServerSocketChannel getChannel() {
    return d.getChannel();
  }

  @Override
  public boolean isBound() {
    return d.isBound();
  }

  @Override
  public boolean isClosed() {
    return d.isClosed();
  }

  @Override
  public synchronized void setSoTimeout(int timeout) throws SocketException {
    d.setSoTimeout(timeout);
  }

  @Override
  public synchronized int getSoTimeout() throws IOException {
    return d.getSoTimeout();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    d.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return d.getReuseAddress();
  }

  @Override
  public synchronized void setReceiveBufferSize(int size) throws SocketException {
    d.setReceiveBufferSize(size);
  }

  @Override
  public synchronized int getReceiveBufferSize() throws SocketException {
    return d.getReceiveBufferSize();
  }

  @Override
  public String toString() {
    return "padlock(" + d + ")";
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return d.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    d.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return d.getSupportedCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return d.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return d.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    d.setEnabledProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    d.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return d.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    d.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return d.getWantClientAuth();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    d.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return d.getUseClientMode();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    d.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return d.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return d.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    d.setSSLParameters(params);
  }
}
