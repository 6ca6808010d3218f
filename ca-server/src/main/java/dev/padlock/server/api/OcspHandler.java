package dev.padlock.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.padlock.ca.revoke.OcspResponder;
import dev.padlock.server.Metrics;
import dev.padlock.server.problem.Problem;
import dev.padlock.server.problem.ProblemMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OCSP's POST form (RFC 6960 Appendix A.1) answered on Jetty directly, ahead of Jersey: a relying party may
 * ask for every handshake it checks, so this path is the server's hottest, and Jersey's per-request
 * machinery (routing, injection, filters, interceptors, entity providers) costs a third of the request
 * or more: 1.4-2.1x the responses per second through this handler than through Jersey, same server, same
 * run (bench: {@code ocsp_handler_vs_jersey}, medians of four runs). The well-formed request only — {@code POST /ocsp},
 * {@code Content-Type: application/ocsp-request}, a Content-Length within the body limit — is taken here;
 * everything else (the GET form, chunked or oversized bodies, other media types, other paths) goes on to
 * Jersey, which answers it as before ({@link PublicResource}, problem documents for refusals). Same answer
 * either way: the responder's DER with the same headers, timed into the same latency histogram; a fault of
 * ours gets ProblemMapper's problem document.
 */
public final class OcspHandler extends Handler.Wrapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/ocsp";
  private static final HttpField TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, PublicResource.OCSP_RESPONSE);
  private static final HttpField NO_CACHE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "max-age=0, no-cache");

  private final OcspResponder responder;
  private final Metrics metrics;
  private final String listener;
  private final int maxBodyBytes;

  /**
   * @param listener the latency histogram's label ({@code http} or {@code https})
   * @param next what answers every other request (the Jersey application)
   */
  public OcspHandler(OcspResponder responder, Metrics metrics, String listener, int maxBodyBytes, Handler next) {
    super(next);
    this.responder = responder;
    this.metrics = metrics;
    this.listener = listener;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    long length = request.getLength();
    if (length < 0 || length > maxBodyBytes || !HttpMethod.POST.is(request.getMethod())
        || !PATH.equals(Request.getPathInContext(request))
        || !isOcspRequest(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
      return super.handle(request, response, callback);
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes((int) length);
    } catch (IOException e) {
      callback.failed(e); // the client went away mid-body
      return true;
    }
    byte[] der;
    try {
      der = responder.respond(body);
    } catch (RuntimeException e) {
      // Not bad input (the responder answers that in OCSP's own terms): our fault. The same problem
      // document, status and counter as Jersey's ProblemMapper gives on the other path.
      Problem p = ProblemMapper.problem(e);
      metrics.refused(p.type().substring(p.type().lastIndexOf('/') + 1));
      byte[] json = JSON.writeValueAsBytes(p);
      response.setStatus(p.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE).put(HttpHeader.CONTENT_LENGTH, json.length);
      response.write(true, ByteBuffer.wrap(json), callback);
      metrics.observe(listener, System.nanoTime() - start);
      return true;
    }
    response.setStatus(200);
    response.getHeaders().put(TYPE).put(NO_CACHE).put(HttpHeader.CONTENT_LENGTH, der.length);
    response.write(true, ByteBuffer.wrap(der), callback);
    metrics.observe(listener, System.nanoTime() - start);
    return true;
  }

  /** {@code application/ocsp-request}, any case, parameters allowed: what Jersey's {@code @Consumes} accepts. */
  static boolean isOcspRequest(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String base = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return base.toLowerCase(Locale.ROOT).equals(PublicResource.OCSP_REQUEST);
  }
}
