package dev.padlock.tls.trace;

import dev.padlock.tls.trace.HandshakeTrace.ChainVerdict;
import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Field;
import dev.padlock.tls.trace.HandshakeTrace.Negotiated;
import dev.padlock.tls.trace.HandshakeTrace.PeerCertificate;
import dev.padlock.tls.trace.HandshakeTrace.Phase;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a {@link HandshakeTrace}: as a ladder for people ({@link #text}), or as one JSON document
 * with the same content ({@link #json}). Plain ASCII, so it survives any terminal and log.
 */
public final class TraceFormat {
  private static final int ARROW = 28;
  private static final int WIDTH = 100;
  private static final String FIELD_INDENT = " ".repeat(14);

  private TraceFormat() {}

  /**
   * The ladder: one line per message with its time offset, direction (an arrow between the client
   * on the left and the server on the right), size and whether it was encrypted on the wire, then
   * its decoded fields; then the outcome, the negotiated parameters and the server's chain.
   */
  public static String text(HandshakeTrace t) {
    StringBuilder sb = new StringBuilder();
    sb.append("TLS handshake with ").append(t.host()).append(':').append(t.port())
        .append(t.serverName().map(n -> " (server name " + n + ")").orElse(" (no server name)"))
        .append("\n\n");
    sb.append(String.format(Locale.ROOT, "%10s  %-" + (ARROW + 2) + "s%n", "time",
        "client" + " ".repeat(ARROW - 10) + "server"));
    Phase phase = Phase.HANDSHAKE;
    for (Step s : t.steps()) {
      if (s.phase() != phase) {
        sb.append(handshakeDone(t)).append('\n');
        phase = s.phase();
      }
      sb.append(String.format(Locale.ROOT, "%10s  %s  %6s%s%n", millis(s.offset()) + " ms",
          arrow(s), s.size() + " B", s.encrypted() ? "  encrypted" : ""));
      for (Field f : s.fields()) {
        field(sb, label(f.name()), f.list() && f.values().isEmpty() ? "(none)" : f.text());
      }
    }
    if (phase == Phase.HANDSHAKE && t.outcome().completed()) {
      sb.append(handshakeDone(t)).append('\n');
    }
    sb.append('\n').append("Result: ")
        .append(t.outcome().completed() ? "" : "FAILED: ").append(t.outcome().summary())
        .append('\n');

    sb.append("\nNegotiated\n");
    Negotiated n = t.negotiated();
    kv(sb, "version", n.version());
    kv(sb, "cipher suite", n.cipherSuite());
    kv(sb, "group", n.group());
    kv(sb, "server signature", n.serverSignature());
    kv(sb, "ALPN", n.alpn());
    kv(sb, "session id", n.sessionId());
    kv(sb, "client certificate", n.clientCertificate());
    n.extendedMasterSecret().ifPresent(ems -> kv(sb, "extended master secret",
        Optional.of(ems ? "yes" : "no")));

    sb.append("\nServer chain: ").append(t.verdict().map(TraceFormat::verdictText)
        .orElse("not received")).append('\n');
    int i = 0;
    for (PeerCertificate c : t.serverChain()) {
      sb.append("  [").append(i++).append("] ").append(c.subject()).append('\n');
      field(sb, "issuer", c.issuer());
      if (!c.subjectAltNames().isEmpty()) {
        field(sb, "names", String.join(", ", c.subjectAltNames()));
      }
      field(sb, "serial", c.serial().toString(16));
      field(sb, "valid", c.notBefore() + " .. " + c.notAfter());
      field(sb, "revocation", c.revocation());
    }
    return sb.toString();
  }

  /** The same content as {@link #text}, as one JSON document. */
  public static String json(HandshakeTrace t) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("host", t.host());
    root.put("port", t.port());
    root.put("server_name", t.serverName());
    root.put("started_at", t.startedAt().toString());
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("completed", t.outcome().completed());
    outcome.put("summary", t.outcome().summary());
    root.put("outcome", outcome);
    root.put("round_trips", t.roundTrips());
    List<Object> steps = new ArrayList<>();
    for (Step s : t.steps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("offset_ms", new BigDecimal(millis(s.offset())));
      m.put("direction", s.direction().jsonName());
      m.put("message", s.message());
      m.put("bytes", s.size());
      m.put("phase", s.phase().jsonName());
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("index", s.recordIndex() < 0 ? null : s.recordIndex());
      record.put("bytes", s.recordSize());
      record.put("encrypted", s.encrypted());
      m.put("record", record);
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Field f : s.fields()) {
        fields.put(f.name(), f.list() ? f.values() : f.values().get(0));
      }
      m.put("fields", fields);
      steps.add(m);
    }
    root.put("steps", steps);
    Negotiated n = t.negotiated();
    Map<String, Object> neg = new LinkedHashMap<>();
    neg.put("version", n.version());
    neg.put("cipher_suite", n.cipherSuite());
    neg.put("group", n.group());
    neg.put("server_signature", n.serverSignature());
    neg.put("alpn", n.alpn());
    neg.put("session_id", n.sessionId());
    neg.put("client_certificate", n.clientCertificate());
    neg.put("extended_master_secret", n.extendedMasterSecret());
    root.put("negotiated", neg);
    Map<String, Object> chain = new LinkedHashMap<>();
    chain.put("verdict", t.verdict().map(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("trusted", v.trusted());
      m.put("cause", v.cause().map(c -> c.code()));
      m.put("detail", v.detail());
      return m;
    }));
    List<Object> certs = new ArrayList<>();
    for (PeerCertificate c : t.serverChain()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subject", c.subject());
      m.put("issuer", c.issuer());
      m.put("subject_alt_names", c.subjectAltNames());
      m.put("serial", c.serial().toString(16));
      m.put("not_before", c.notBefore().toString());
      m.put("not_after", c.notAfter().toString());
      m.put("revocation", c.revocation());
      certs.add(m);
    }
    chain.put("certificates", certs);
    root.put("server_chain", chain);
    return JsonWriter.write(root);
  }

  private static String handshakeDone(HandshakeTrace t) {
    int rt = t.roundTrips();
    return String.format(Locale.ROOT, "%10s  %s", "",
        "---- our side of the handshake complete: " + rt + " round trip" + (rt == 1 ? "" : "s")
            + " ----");
  }

  private static String verdictText(ChainVerdict v) {
    return v.trusted() ? "trusted: " + v.detail()
        : "NOT trusted (" + v.cause().map(c -> c.summary()).orElse("?") + "): " + v.detail();
  }

  /** {@code |--- ClientHello ------->|} or {@code |<------- ServerHello ---|}. */
  private static String arrow(Step s) {
    String name = " " + s.message() + " ";
    int dashes = Math.max(2, ARROW - name.length() - 1);
    if (s.direction() == Direction.CLIENT_TO_SERVER) {
      int lead = Math.min(3, dashes - 1);
      return "|" + "-".repeat(lead) + name + "-".repeat(dashes - lead) + ">|";
    }
    int tail = Math.min(3, dashes - 1);
    return "|<" + "-".repeat(dashes - tail) + name + "-".repeat(tail) + "|";
  }

  private static void field(StringBuilder sb, String label, String value) {
    String head = FIELD_INDENT + String.format(Locale.ROOT, "%-24s", label);
    int room = Math.max(30, WIDTH - head.length());
    List<String> lines = wrap(value, room);
    sb.append(head).append(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      sb.append(" ".repeat(head.length())).append(lines.get(i)).append('\n');
    }
  }

  /** Wraps a comma-separated value at its commas. */
  private static List<String> wrap(String value, int room) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String part : value.split(", ", -1)) {
      if (line.length() > 0 && line.length() + 2 + part.length() > room) {
        lines.add(line.append(',').toString());
        line = new StringBuilder();
      } else if (line.length() > 0) {
        line.append(", ");
      }
      line.append(part);
    }
    lines.add(line.toString());
    return lines;
  }

  private static void kv(StringBuilder sb, String label, Optional<String> value) {
    sb.append(String.format(Locale.ROOT, "  %-24s%s%n", label, value.orElse("-")));
  }

  private static String label(String fieldName) {
    return fieldName.replace('_', ' ');
  }

  /** Milliseconds with one decimal, e.g. "12.3". */
  static String millis(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 6).setScale(1, RoundingMode.HALF_UP).toPlainString();
  }
}
