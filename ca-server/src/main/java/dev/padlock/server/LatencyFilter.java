package dev.padlock.server;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;

/** Times every request, refused ones included, into {@link Metrics}. */
@PreMatching
final class LatencyFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String START = LatencyFilter.class.getName() + ".start";

  private final Metrics metrics;
  private final String listener;

  LatencyFilter(Metrics metrics, String listener) {
    this.metrics = metrics;
    this.listener = listener;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(START) instanceof Long start) {
      metrics.observe(listener, System.nanoTime() - start);
    }
  }
}
