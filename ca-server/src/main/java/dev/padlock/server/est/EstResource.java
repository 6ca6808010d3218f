package dev.padlock.server.est;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.authorize.Authorization;
import dev.padlock.ca.issue.CsrCheck;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.Profile;
import dev.padlock.ca.pem.Pem;
import dev.padlock.server.Metrics;
import dev.padlock.server.auth.BasicCredentials;
import dev.padlock.server.auth.PeerCertificate;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.eclipse.jetty.server.Request;

/**
 * EST (RFC 7030) under {@code /.well-known/est/[label/]}: the label, when present, names the profile.
 * {@code simpleenroll} and {@code serverkeygen} are authorized by a one-time token as the HTTP Basic password
 * (§3.2.3; a missing or bad one gets 401 with {@code WWW-Authenticate: Basic realm="padlock"}), {@code
 * simplereenroll} by the client certificate of the TLS connection (§3.3.2, §4.2.2).
 */
@Singleton
@Path("/.well-known/est")
public final class EstResource {
  private static final String LABEL = "{label: (?:[^/]+/)?}";

  private final CertificateAuthority ca;
  private final Metrics metrics;

  @Inject
  public EstResource(CertificateAuthority ca, Metrics metrics) {
    this.ca = ca;
    this.metrics = metrics;
  }

  @GET
  @Path(LABEL + "cacerts")
  public Response cacerts(@PathParam("label") String label) {
    profile(label);
    return base64(EstMedia.certsOnly(ca.chain()), EstMedia.CERTS_ONLY);
  }

  @GET
  @Path(LABEL + "csrattrs")
  public Response csrattrs(@PathParam("label") String label) {
    profile(label);
    return base64(EstMedia.csrAttributes(), EstMedia.CSRATTRS);
  }

  @POST
  @Path(LABEL + "simpleenroll")
  @Consumes(EstMedia.PKCS10)
  public Response simpleenroll(@PathParam("label") String label,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
    Authorization auth = ca.tokenAuthorizer().authorize(token(authorization));
    return enrolled(issue(label, auth, csr(body)), "est");
  }

  @POST
  @Path(LABEL + "simplereenroll")
  @Consumes(EstMedia.PKCS10)
  public Response simplereenroll(@PathParam("label") String label, @Context Request request, byte[] body) {
    Authorization auth = ca.renewalAuthorizer().authorize(PeerCertificate.of(request).orElse(null));
    return enrolled(issue(label, auth, csr(body)), "est-reenroll");
  }

  @POST
  @Path(LABEL + "serverkeygen")
  @Consumes(EstMedia.PKCS10)
  public Response serverkeygen(@PathParam("label") String label,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context Request request, byte[] body) {
    Optional<String> token = BasicCredentials.password(authorization);
    Authorization auth = token.isPresent() || PeerCertificate.of(request).isEmpty()
        ? ca.tokenAuthorizer().authorize(token(authorization))
        : ca.renewalAuthorizer().authorize(PeerCertificate.of(request).get());
    CsrCheck.Verified asked = CsrCheck.verify(csr(body));
    IssuedCertificate issued = ca.issue(IssueRequest.builder(auth.profile(profile(label)))
        .commonName(asked.commonName().orElse(null)).sans(asked.sans()).generatedKeyType(asked.keyType())
        .build(), auth);
    metrics.issued(issued.record().profile(), "est-serverkeygen");
    EstMedia.Multipart m = EstMedia.keyAndCertificate(issued.generatedKey().orElseThrow().getPrivate().getEncoded(),
        EstMedia.certsOnly(List.of(issued.certificate())));
    return Response.ok(m.body()).type(m.contentType()).build();
  }

  private IssuedCertificate issue(String label, Authorization auth, PKCS10CertificationRequest csr) {
    return ca.issue(IssueRequest.builder(auth.profile(profile(label))).csr(csr).build(), auth);
  }

  private Response enrolled(IssuedCertificate issued, String via) {
    metrics.issued(issued.record().profile(), via);
    return base64(EstMedia.certsOnly(List.of(issued.certificate())), EstMedia.CERTS_ONLY);
  }

  private static Response base64(byte[] der, String type) {
    return Response.ok(EstMedia.encodeBase64(der)).type(type).header(EstMedia.CTE, "base64").build();
  }

  private static PKCS10CertificationRequest csr(byte[] body) {
    return Pem.readCsr(EstMedia.decodeBase64(body == null ? new byte[0] : body), "the request body");
  }

  private static String token(String authorization) {
    return BasicCredentials.password(authorization).orElseThrow(() -> new PadlockException(ErrorCode.UNAUTHORIZED,
        "enrollment needs a one-time token as the HTTP Basic password (any user name): "
            + "create one with 'padlock token create'"));
  }

  /** The profile a label names; no label, none. An unknown label is a path that does not exist. */
  private static Optional<String> profile(String label) {
    String l = label == null ? "" : label.endsWith("/") ? label.substring(0, label.length() - 1) : label;
    if (l.isEmpty()) {
      return Optional.empty();
    }
    if (!Profile.NAMES.contains(l)) {
      throw new PadlockException(ErrorCode.NOT_FOUND, "there is no EST label '" + l + "': the labels are the "
          + "profiles " + String.join(", ", Profile.NAMES));
    }
    return Optional.of(l);
  }
}
