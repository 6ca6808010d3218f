package dev.padlock.server;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Sends every response with a Content-Length rather than chunked: some EST clients (Bouncy Castle's among
 * them) insist on one. Every body this server writes is small (the CRL is the largest), so buffering is cheap.
 */
final class ContentLengthInterceptor implements WriterInterceptor {
  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException, WebApplicationException {
    OutputStream out = context.getOutputStream();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    context.setOutputStream(buffer);
    context.proceed();
    context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, Integer.toString(buffer.size()));
    context.setOutputStream(out);
    buffer.writeTo(out);
  }
}
