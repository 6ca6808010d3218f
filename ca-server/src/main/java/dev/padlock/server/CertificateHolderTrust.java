package dev.padlock.server;

import java.net.Socket;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for client certificates on the CA's own HTTPS listener: the chain must build to this CA and be
 * within its validity, and nothing more. The extended key usage is deliberately not required to be
 * clientAuth: EST {@code simplereenroll} authenticates the <em>holder</em> of any certificate this CA issued
 * (a server certificate renews itself too, as with {@code step ca renew}); what each caller may then do is
 * decided per request by the authorizers, which also check the store for revocation.
 */
final class CertificateHolderTrust extends X509ExtendedTrustManager {
  private final Set<TrustAnchor> anchors;
  private final X509Certificate[] issuers;
  private final Clock clock;

  CertificateHolderTrust(List<X509Certificate> caCertificates, Clock clock) {
    this.anchors = new HashSet<>();
    for (X509Certificate c : caCertificates) {
      anchors.add(new TrustAnchor(c, null));
    }
    this.issuers = caCertificates.toArray(X509Certificate[]::new);
    this.clock = clock;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    try {
      // Anchors are the issuing CA and the root: a leaf alone builds to the issuing CA.
      List<X509Certificate> path = Arrays.stream(chain).filter(c -> !isAnchor(c)).toList();
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
          params);
    } catch (CertificateException e) {
      throw e;
    } catch (Exception e) {
      throw new CertificateException("client certificate not issued by this CA: " + e.getMessage(), e);
    }
  }

  private boolean isAnchor(X509Certificate c) {
    return anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("server side only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("server side only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("server side only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return issuers.clone();
  }
}
