package dev.padlock.server.api;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.DurationText;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.authorize.Authorization;
import dev.padlock.ca.authorize.TokenRequest;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStatus;
import dev.padlock.ca.store.StoredCrl;
import dev.padlock.server.Metrics;
import dev.padlock.server.auth.PeerCertificate;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * The JSON API, described by {@code /api/v1/openapi.json}. Admins authenticate with the admin client
 * certificate over mutual TLS; enrollment takes a one-time token; a certificate's holder may revoke it
 * over mutual TLS. Every resource method: parse, validate, one call into ca-core, render.
 */
@Singleton
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class ApiResource {
  private static final int MAX_LIST = 1000;

  private final CertificateAuthority ca;
  private final Metrics metrics;

  @Inject
  public ApiResource(CertificateAuthority ca, Metrics metrics) {
    this.ca = ca;
    this.metrics = metrics;
  }

  @POST
  @Path("enroll")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response enroll(Views.EnrollBody body) {
    Views.EnrollBody b = required(body);
    Authorization auth = ca.tokenAuthorizer().authorize(b.token());
    if (b.csr() == null || b.csr().isBlank()) {
      throw new PadlockException(ErrorCode.MALFORMED_CSR, "the field 'csr' is missing: give a PEM PKCS#10 request");
    }
    IssuedCertificate issued = ca.issue(IssueRequest.builder(auth.profile(Optional.ofNullable(b.profile())))
        .csr(Pem.readCsr(b.csr().getBytes(StandardCharsets.UTF_8), "the field 'csr'")).build(), auth);
    metrics.issued(issued.record().profile(), "api");
    return Response.status(201).entity(Views.Enrolled.of(issued, ca.clock().instant())).build();
  }

  @GET
  @Path("certificates/{serial}")
  public Views.Certificate get(@PathParam("serial") String serial) {
    return Views.Certificate.of(ca.find(serial), ca.clock().instant());
  }

  @GET
  @Path("certificates")
  public List<Views.Certificate> list(@Context Request request, @QueryParam("status") String status,
      @QueryParam("profile") String profile, @QueryParam("q") String q,
      @QueryParam("expiringWithin") String expiringWithin, @QueryParam("limit") String limit) {
    ca.adminAuthorizer().authorize(PeerCertificate.of(request).orElse(null));
    Instant now = ca.clock().instant();
    CertificateQuery query = new CertificateQuery(Optional.ofNullable(status).map(ApiResource::status),
        Optional.ofNullable(profile), Optional.ofNullable(expiringWithin).map(DurationText::parse),
        Optional.ofNullable(q).filter(s -> !s.isBlank()), now, limit(limit));
    return ca.list(query).stream().map(r -> Views.Certificate.of(r, now)).toList();
  }

  @POST
  @Path("certificates/{serial}/revoke")
  @Consumes(MediaType.APPLICATION_JSON)
  public Views.Revoked revoke(@Context Request request, @PathParam("serial") String serial, Views.RevokeBody body) {
    RevocationReason reason = RevocationReason.parse(body == null || body.reason() == null ? "unspecified"
        : body.reason());
    CertificateRecord target = ca.find(serial);
    String actor = ca.adminAuthorizer().authorizeRevocation(PeerCertificate.of(request).orElse(null), target);
    CertificateAuthority.Revocation done = ca.revoke(target.serial().hex(), reason, actor);
    metrics.revoked();
    return new Views.Revoked(done.record().serial().hex(), done.record().revocation().orElseThrow().at().toString(),
        reason.rfcName(), done.crl().number().toString());
  }

  @POST
  @Path("tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response createToken(@Context Request request, Views.TokenBody body) {
    Authorization admin = ca.adminAuthorizer().authorize(PeerCertificate.of(request).orElse(null));
    Views.TokenBody b = required(body);
    if (b.profile() == null || b.cn() == null) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "a token needs 'profile' and 'cn'");
    }
    List<SubjectAltName> sans = b.sans() == null ? List.of() : b.sans().stream().map(SubjectAltName::parse).toList();
    TokenRequest req = new TokenRequest(b.profile(), b.cn(), sans,
        b.ttl() == null ? TokenRequest.DEFAULT_TTL : DurationText.parse(b.ttl()));
    return Response.status(201).entity(Views.Token.of(ca.createToken(req, admin.actor()))).build();
  }

  @GET
  @Path("crl")
  @Produces(PublicObjects.PKIX_CRL)
  public Response crl() {
    return PublicObjects.crlDer(ca);
  }

  @GET
  @Path("crl.pem")
  @Produces(PublicObjects.PEM)
  public Response crlPem() {
    return PublicObjects.crlPem(ca);
  }

  @GET
  @Path("ca/chain.pem")
  @Produces(PublicObjects.PEM)
  public Response chain() {
    return PublicObjects.chainPem(ca);
  }

  @GET
  @Path("health")
  public Views.Health health() {
    StoredCrl crl = ca.currentCrl();
    return new Views.Health("ok", ca.config().name(), crl.number().toString(), crl.nextUpdate().toString());
  }

  @GET
  @Path("openapi.json")
  public Response openapi() throws IOException {
    try (InputStream in = ApiResource.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new PadlockException(ErrorCode.INTERNAL, "openapi.json is missing from the server");
      }
      return Response.ok(in.readAllBytes()).type(MediaType.APPLICATION_JSON).build();
    }
  }

  private static <T> T required(T body) {
    if (body == null) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "the request needs a JSON body: see /api/v1/openapi.json");
    }
    return body;
  }

  private static CertificateStatus status(String s) {
    try {
      return CertificateStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "unknown status '" + s + "': use valid, revoked or expired");
    }
  }

  private static int limit(String text) {
    if (text == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1 && n <= MAX_LIST) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new PadlockException(ErrorCode.MALFORMED_INPUT, "limit must be a number from 1 to " + MAX_LIST);
  }
}
