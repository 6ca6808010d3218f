package dev.padlock.server.problem;

import com.fasterxml.jackson.core.JacksonException;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.server.Metrics;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses: RFC 9457 {@code application/problem+json} with the
 * error code's type, its status, and the user-safe message as {@code detail}. Causes go to the log only.
 * Bad input is always a 4xx; only our own faults are 5xx, with a generic detail.
 */
public final class ProblemMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);
  /** RFC 7030 §3.2.3: the challenge an EST client answers with HTTP Basic (the password is the token). */
  public static final String EST_CHALLENGE = "Basic realm=\"padlock\"";

  private final Metrics metrics;

  @Context UriInfo uri;
  @Context HttpHeaders headers;

  public ProblemMapper(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Response toResponse(Throwable failure) {
    Problem p = problem(failure);
    metrics.refused(p.type().substring(p.type().lastIndexOf('/') + 1));
    boolean est = uri != null && uri.getPath().startsWith(".well-known/est");
    if (p.status() == 401 && est && headers != null && headers.getHeaderString(HttpHeaders.AUTHORIZATION) == null) {
      // The bare challenge of RFC 7030 §3.2.3 / RFC 7235: no body, as EST clients expect (Bouncy Castle's
      // closes the 401 unread and fails if it has one). A refused token gets the problem document below.
      return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, EST_CHALLENGE).build();
    }
    Response.ResponseBuilder r = Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
    if (p.status() == 401 && est) {
      r.header(HttpHeaders.WWW_AUTHENTICATE, EST_CHALLENGE);
    }
    return r.build();
  }

  /** The problem document for {@code failure} (logged here when it is our fault). */
  public static Problem problem(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PadlockException pe) {
        if (pe.code().kind() == ErrorCode.Kind.INTERNAL) {
          LOG.error("request failed: {}", pe.getMessage(), pe);
          return Problem.of(pe.code(), "the server could not complete the request; its log has the details");
        }
        LOG.debug("request refused: {}: {}", pe.code().slug(), pe.getMessage());
        return Problem.of(pe.code(), pe.getMessage());
      }
      if (t instanceof JacksonException) {
        return Problem.of(ErrorCode.MALFORMED_INPUT, "the request body is not the JSON this endpoint expects: "
            + "see /api/v1/openapi.json");
      }
      if (t instanceof WebApplicationException wae) {
        return fromStatus(wae.getResponse().getStatus());
      }
    }
    LOG.error("request failed", failure);
    return Problem.of(ErrorCode.INTERNAL, "the server could not complete the request; its log has the details");
  }

  private static Problem fromStatus(int status) {
    return switch (status) {
      case 404 -> Problem.of(ErrorCode.NOT_FOUND, "there is nothing at this path");
      case 405 -> Problem.of(ErrorCode.METHOD_NOT_ALLOWED, "this path does not take that method");
      case 406 -> Problem.of(ErrorCode.NOT_ACCEPTABLE, "this path cannot answer in the media type asked for");
      case 413 -> Problem.of(ErrorCode.BODY_TOO_LARGE, "the request body is too large");
      case 415 -> Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "this path does not take a body of that content type: see /api/v1/openapi.json or RFC 7030");
      default -> status >= 500
          ? Problem.of(ErrorCode.INTERNAL, status, "the server could not complete the request")
          : Problem.of(ErrorCode.MALFORMED_INPUT, status, "the request is not valid here");
    };
  }
}
