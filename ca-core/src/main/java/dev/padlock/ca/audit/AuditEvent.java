package dev.padlock.ca.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the CA did: {@code action} (init, issue, revoke, …), on which certificate, at whose request,
 * and a short detail.
 */
public record AuditEvent(Instant at, String action, String serial, String actor, String detail) {
  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    serial = serial == null ? "" : serial;
    actor = actor == null ? "" : actor;
    detail = detail == null ? "" : detail;
  }
}
