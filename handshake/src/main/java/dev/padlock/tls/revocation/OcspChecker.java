package dev.padlock.tls.revocation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Asks an OCSP responder (RFC 6960) about a certificate: the responder in the certificate's AIA
 * extension, or a configured one. Answers are cached until the refresh interval or their nextUpdate,
 * whichever comes first. A response counts only if it is signed by the issuer, or by a responder
 * certificate the issuer issued with extended key usage OCSPSigning, and is current.
 */
final class OcspChecker {
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final int MAX_CACHE = 10_000;

  private record Cached(RevocationStatus status, Instant until) {}

  private final URI responder;
  private final Duration interval;
  private final Duration httpTimeout;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile HttpClient http;

  OcspChecker(URI responder, Duration interval, Duration httpTimeout) {
    this.responder = responder;
    this.interval = interval;
    this.httpTimeout = httpTimeout;
  }

  RevocationStatus status(X509Certificate cert, X509Certificate issuer, Instant now) {
    String key = issuer.getSubjectX500Principal().getName() + "#" + cert.getSerialNumber();
    Cached c = cache.get(key);
    if (c != null && now.isBefore(c.until)) {
      return c.status;
    }
    URI url = responder != null ? responder : aiaResponder(cert);
    if (url == null) {
      return new RevocationStatus.Unavailable("certificate names no OCSP responder (AIA) and none "
          + "is configured");
    }
    try {
      Answer a = ask(url, cert, issuer, now);
      if (cache.size() >= MAX_CACHE) {
        cache.clear();
      }
      if (!(a.status instanceof RevocationStatus.Unavailable)) {
        cache.put(key, new Cached(a.status, a.cacheUntil));
      }
      return a.status;
    } catch (IOException e) {
      if (c != null && c.status instanceof RevocationStatus.Revoked) {
        return c.status; // revoked stays revoked
      }
      return new RevocationStatus.Unavailable("OCSP responder " + url + ": " + e.getMessage());
    }
  }

  void clear() {
    cache.clear();
  }

  private record Answer(RevocationStatus status, Instant cacheUntil) {}

  private Answer ask(URI url, X509Certificate cert, X509Certificate issuer, Instant now)
      throws IOException {
    try {
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      CertificateID id = new CertificateID(
          new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
          issuerHolder, cert.getSerialNumber());
      byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
      OCSPResp resp = new OCSPResp(post(url, request));
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        throw new IOException("responder answered status " + resp.getStatus());
      }
      BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
      if (!signedByIssuerOrDelegate(basic, issuer, now)) {
        throw new IOException("response not signed by the issuer or a responder it authorised");
      }
      String source = "OCSP " + url;
      for (SingleResp single : basic.getResponses()) {
        if (!single.getCertID().equals(id)) {
          continue;
        }
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null
            : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(SKEW))) {
          throw new IOException("response thisUpdate " + thisUpdate + " is in the future");
        }
        Instant until = now.plus(interval);
        if (nextUpdate != null) {
          if (nextUpdate.isBefore(now)) {
            return new Answer(new RevocationStatus.Stale(source + ": response nextUpdate "
                + nextUpdate + " has passed"), now);
          }
          until = nextUpdate.isBefore(until) ? nextUpdate : until;
        }
        CertificateStatus st = single.getCertStatus();
        if (st == CertificateStatus.GOOD) {
          return new Answer(new RevocationStatus.Good(source), until);
        }
        if (st instanceof RevokedStatus r) {
          int reason = r.hasRevocationReason() ? r.getRevocationReason() : -1;
          return new Answer(new RevocationStatus.Revoked(r.getRevocationTime().toInstant(), reason,
              source), until);
        }
        if (st instanceof UnknownStatus) {
          return new Answer(new RevocationStatus.Unavailable(source
              + ": responder does not know the certificate"), now);
        }
      }
      throw new IOException("response does not answer for serial " + cert.getSerialNumber());
    } catch (OCSPException | OperatorCreationException | GeneralSecurityException
        | ClassCastException | IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer,
      Instant now) throws OperatorCreationException, OCSPException, GeneralSecurityException,
      IOException {
    if (verifies(basic, issuer.getPublicKey())) {
      return true;
    }
    for (X509CertificateHolder h : basic.getCerts()) {
      X509Certificate responder = dev.padlock.tls.internal.Pem.toX509(h.getEncoded());
      if (!responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        continue;
      }
      try {
        responder.verify(issuer.getPublicKey());
        responder.checkValidity(Date.from(now));
      } catch (GeneralSecurityException e) {
        continue;
      }
      ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(h.getExtensions());
      if (eku == null || !eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
        continue;
      }
      if (verifies(basic, responder.getPublicKey())) {
        return true;
      }
    }
    return false;
  }

  private static boolean verifies(BasicOCSPResp basic, PublicKey key) {
    try {
      return basic.isSignatureValid(SignatureCheck.verifierFor(key));
    } catch (OperatorCreationException | OCSPException | RuntimeException e) {
      return false;
    }
  }

  static URI aiaResponder(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.authorityInfoAccess.getId());
    if (ext == null) {
      return null;
    }
    try {
      AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
          org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
      for (AccessDescription d : aia.getAccessDescriptions()) {
        if (d.getAccessMethod().equals(X509ObjectIdentifiers.ocspAccessMethod)
            && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
          return URI.create(d.getAccessLocation().getName().toString());
        }
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  private byte[] post(URI url, byte[] request) throws IOException {
    HttpClient client = http;
    if (client == null) {
      client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(httpTimeout).build();
      http = client;
    }
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(url).timeout(httpTimeout)
          .header("Content-Type", "application/ocsp-request")
          .header("Accept", "application/ocsp-response")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

}
