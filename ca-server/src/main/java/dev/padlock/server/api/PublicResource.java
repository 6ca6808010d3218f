package dev.padlock.server.api;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.revoke.OcspResponder;
import dev.padlock.server.Metrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.util.Base64;

/**
 * What a CA publishes to everyone, on the plain-HTTP listener as on HTTPS: the CRL at {@code /crl} (where
 * certificates' CRL distribution points point) and {@code /crl.pem}, the CA certificates, the OCSP
 * responder at {@code /ocsp} (RFC 6960 Appendix A: POST, and GET with the base64 request in the path),
 * and the Prometheus metrics.
 */
@Singleton
@Path("/")
public final class PublicResource {
  static final String OCSP_REQUEST = "application/ocsp-request";
  static final String OCSP_RESPONSE = "application/ocsp-response";

  private final CertificateAuthority ca;
  private final Metrics metrics;
  /** One responder for the listener's life: it answers from the store, so it never holds stale state. */
  private final OcspResponder ocsp;

  @Inject
  public PublicResource(CertificateAuthority ca, Metrics metrics) {
    this.ca = ca;
    this.metrics = metrics;
    this.ocsp = ca.ocspResponder();
  }

  @GET
  @Path("crl")
  public Response crl() {
    return PublicObjects.crlDer(ca);
  }

  @GET
  @Path("crl.pem")
  public Response crlPem() {
    return PublicObjects.crlPem(ca);
  }

  @GET
  @Path("ca/chain.pem")
  public Response chain() {
    return PublicObjects.chainPem(ca);
  }

  @GET
  @Path("ca/root.pem")
  public Response root() {
    return PublicObjects.rootPem(ca);
  }

  @POST
  @Path("ocsp")
  @Consumes(OCSP_REQUEST)
  public Response ocsp(byte[] request) {
    return ocspResponse(ocsp.respond(request == null ? new byte[0] : request));
  }

  @GET
  @Path("ocsp/{request: .+}")
  public Response ocspGet(@PathParam("request") String request) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(request.trim());
    } catch (IllegalArgumentException e) {
      der = new byte[0]; // answered as malformedRequest, in OCSP's own terms
    }
    return ocspResponse(ocsp.respond(der));
  }

  private static Response ocspResponse(byte[] der) {
    return Response.ok(der).type(OCSP_RESPONSE).header("Cache-Control", "max-age=0, no-cache").build();
  }

  @GET
  @Path("metrics")
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  public String metrics() {
    return metrics.scrape();
  }
}
