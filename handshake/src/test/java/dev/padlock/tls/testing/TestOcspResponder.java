package dev.padlock.tls.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A tiny OCSP responder (RFC 6960) on the JDK's HTTP server, its responses built and signed with
 * Bouncy Castle's OCSP builders by the issuing CA itself. Counts requests; statuses are set per
 * serial (good unless revoked).
 */
public final class TestOcspResponder implements AutoCloseable {
  private final HttpServer server;
  private final TestPki.Ca ca;
  private final Clock clock;
  private final Map<BigInteger, Integer> revoked = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Duration validity = Duration.ofHours(1);

  public TestOcspResponder(TestPki.Ca ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      byte[] body;
      try {
        body = answer(new OCSPReq(ex.getRequestBody().readAllBytes())).getEncoded();
      } catch (Exception e) {
        ex.sendResponseHeaders(500, -1);
        ex.close();
        return;
      }
      ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public int requests() {
    return requests.get();
  }

  public void revoke(BigInteger serial, TestPki.Reason reason) {
    revoked.put(serial, reason.code);
  }

  /** How far nextUpdate lies after thisUpdate in answers. If unset, one hour. */
  public void validity(Duration d) {
    this.validity = d;
  }

  private OCSPResp answer(OCSPReq req) throws Exception {
    X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
    BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(issuer.getSubject()));
    Date now = Date.from(clock.instant());
    Date next = Date.from(clock.instant().plus(validity));
    for (Req r : req.getRequestList()) {
      boolean matches = r.getCertID().matchesIssuer(issuer,
          new JcaDigestCalculatorProviderBuilder().build());
      Integer reason = revoked.get(r.getCertID().getSerialNumber());
      CertificateStatus status = !matches ? new org.bouncycastle.cert.ocsp.UnknownStatus()
          : reason == null ? CertificateStatus.GOOD
          : new RevokedStatus(Date.from(clock.instant().minus(Duration.ofHours(1))), reason);
      b.addResponse(r.getCertID(), status, now, next, null);
    }
    String alg = ca.keyType() == TestPki.KeyType.RSA_2048 ? "SHA256withRSA" : "SHA256withECDSA";
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, b.build(
        new JcaContentSignerBuilder(alg).build(ca.privateKey()),
        new X509CertificateHolder[] {issuer}, now));
  }

  @Override
  public void close() {
    server.stop(0);
  }

}
