package dev.padlock.server.auth;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * The client certificate the caller presented in this request's TLS handshake, if any. The TLS layer has
 * already checked that it chains to this CA; the authorizers in ca-core check the rest against the store.
 */
public final class PeerCertificate {
  private PeerCertificate() {}

  public static Optional<X509CertificateHolder> of(Request request) {
    if (request == null) {
      return Optional.empty();
    }
    if (!(request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls)) {
      return Optional.empty();
    }
    X509Certificate[] peer = tls.peerCertificates();
    if (peer == null || peer.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new X509CertificateHolder(peer[0].getEncoded()));
    } catch (CertificateEncodingException | java.io.IOException e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "the client certificate cannot be read", e);
    }
  }
}
