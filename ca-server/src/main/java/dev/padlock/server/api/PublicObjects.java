package dev.padlock.server.api;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.pem.Pem;
import jakarta.ws.rs.core.Response;

/** The signed public objects, served the same way on both listeners and under /api/v1. */
final class PublicObjects {
  static final String PKIX_CRL = "application/pkix-crl";
  static final String PEM = "application/x-pem-file";

  private PublicObjects() {}

  static Response crlDer(CertificateAuthority ca) {
    return Response.ok(ca.currentCrl().der()).type(PKIX_CRL).build();
  }

  static Response crlPem(CertificateAuthority ca) {
    return Response.ok(Pem.crl(ca.currentCrl().der())).type(PEM).build();
  }

  static Response chainPem(CertificateAuthority ca) {
    return Response.ok(Pem.certificates(ca.chain())).type(PEM).build();
  }

  static Response rootPem(CertificateAuthority ca) {
    return Response.ok(Pem.certificate(ca.rootCertificate())).type(PEM).build();
  }
}
