package dev.padlock.tls.trace;

import dev.padlock.tls.diagnose.FailureCause;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one TLS handshake did, step by step, as seen by the client: every handshake message (RFC 8446
 * section 4, RFC 5246 section 7.4), ChangeCipherSpec and alert, in wire order, with its direction,
 * size, time offset and the fields it carries; then the negotiated parameters, the server's
 * certificate chain with the verdict on it, and how the handshake ended.
 *
 * <p>The trace is taken at our own endpoint, so messages that travel encrypted (in TLS 1.3
 * everything after ServerHello; in TLS 1.2 the Finished messages) are decoded too; each step says
 * whether its record was encrypted on the wire ({@link Step#encrypted()}).
 *
 * <p>Built by {@link HandshakeTracer}; rendered by {@link TraceFormat}. Immutable.
 */
public record HandshakeTrace(
    String host,
    int port,
    Optional<String> serverName,
    Instant startedAt,
    List<Step> steps,
    int roundTrips,
    Negotiated negotiated,
    List<PeerCertificate> serverChain,
    Optional<ChainVerdict> verdict,
    Outcome outcome) {

  public HandshakeTrace {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(startedAt, "startedAt");
    steps = List.copyOf(steps);
    Objects.requireNonNull(negotiated, "negotiated");
    serverChain = List.copyOf(serverChain);
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** The steps of the handshake proper, without what came after it (tickets, closure). */
  public List<Step> handshakeSteps() {
    return steps.stream().filter(s -> s.phase() == Phase.HANDSHAKE).toList();
  }

  /** The names of the steps in order, e.g. {@code [ClientHello, ServerHello, ...]}. */
  public List<String> messageNames() {
    return steps.stream().map(Step::message).toList();
  }

  /** Who sent a step. */
  public enum Direction {
    CLIENT_TO_SERVER("client_to_server"),
    SERVER_TO_CLIENT("server_to_client");

    private final String jsonName;

    Direction(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }
  }

  /** Whether a step belongs to the handshake or came after our side of it completed. */
  public enum Phase {
    HANDSHAKE("handshake"),
    AFTER_HANDSHAKE("after_handshake");

    private final String jsonName;

    Phase(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }
  }

  /**
   * One message: a handshake message (named as in the RFCs, e.g. {@code ServerKeyExchange}), a
   * {@code ChangeCipherSpec}, an {@code Alert}, {@code ApplicationData}, or a record the client's
   * TLS stack did not process (e.g. a TLS 1.3 compatibility ChangeCipherSpec, which is ignored).
   *
   * @param offset time since the trace started (when the record carrying it was sent or received)
   * @param size bytes of the message itself: for a handshake message its 4-byte header and body
   * @param recordIndex which TLS record carried it (0-based, counting both directions), -1 if it
   *     never reached the wire
   * @param recordSize bytes of that record on the wire, 5-byte header included (0 if none)
   * @param encrypted whether that record was protected on the wire
   * @param fields the decoded fields, in a fixed order per message
   */
  public record Step(Duration offset, Direction direction, String message, int size,
      int recordIndex, int recordSize, boolean encrypted, Phase phase, List<Field> fields) {

    public Step {
      Objects.requireNonNull(offset, "offset");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(phase, "phase");
      fields = List.copyOf(fields);
    }

    /** The field with this name, if the step has it. */
    public Optional<Field> field(String name) {
      return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
  }

  /**
   * A decoded field of a message. A field name always has the same shape: a single value or a list.
   *
   * @param name a snake_case name, e.g. {@code cipher_suites}
   * @param list whether the field is a list (possibly of one value or empty)
   */
  public record Field(String name, List<String> values, boolean list) {

    public Field {
      Objects.requireNonNull(name, "name");
      values = List.copyOf(values);
      if (!list && values.size() != 1) {
        throw new IllegalArgumentException("single-valued field " + name + " has " + values.size());
      }
    }

    public static Field of(String name, String value) {
      return new Field(name, List.of(value), false);
    }

    public static Field of(String name, List<String> values) {
      return new Field(name, values, true);
    }

    /** The single value, or the values joined by ", ". */
    public String text() {
      return String.join(", ", values);
    }
  }

  /**
   * The parameters the handshake settled on, as far as it got. Absent values were not negotiated
   * (yet).
   *
   * @param serverSignature the scheme the server signed the handshake with (CertificateVerify in
   *     TLS 1.3, ServerKeyExchange in TLS 1.2)
   * @param clientCertificate the subject of the client certificate we sent, if any
   */
  public record Negotiated(Optional<String> version, Optional<String> cipherSuite,
      Optional<String> group, Optional<String> serverSignature, Optional<String> alpn,
      Optional<String> sessionId, Optional<String> clientCertificate,
      Optional<Boolean> extendedMasterSecret) {

    public Negotiated {
      Objects.requireNonNull(version);
      Objects.requireNonNull(cipherSuite);
      Objects.requireNonNull(group);
      Objects.requireNonNull(serverSignature);
      Objects.requireNonNull(alpn);
      Objects.requireNonNull(sessionId);
      Objects.requireNonNull(clientCertificate);
      Objects.requireNonNull(extendedMasterSecret);
    }
  }

  /**
   * A certificate of the chain the server sent, in the order it sent them.
   *
   * @param revocation what is known about its revocation status: "not checked" unless the tracer
   *     was given a revocation source
   */
  public record PeerCertificate(String subject, String issuer, List<String> subjectAltNames,
      BigInteger serial, Instant notBefore, Instant notAfter, String revocation) {

    public PeerCertificate {
      subjectAltNames = List.copyOf(subjectAltNames);
    }
  }

  /**
   * Our verdict on the server's chain: does it build to a trust anchor, is every certificate valid
   * now, does the leaf allow serverAuth, and is it for the name we connected to.
   *
   * @param cause why not, if not trusted
   * @param detail one sentence naming the certificate and the bad value, or what it chains to
   */
  public record ChainVerdict(boolean trusted, Optional<FailureCause> cause, String detail) {

    public ChainVerdict {
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(detail, "detail");
      if (trusted == cause.isPresent()) {
        throw new IllegalArgumentException("a trusted verdict has no cause, an untrusted one has");
      }
    }
  }

  /**
   * How the handshake ended.
   *
   * @param completed whether both sides finished the handshake and the server did not refuse it
   *     afterwards (in TLS 1.3 a server refuses a client certificate after our Finished)
   * @param summary e.g. "handshake completed", "server refused: alert certificate_required"
   */
  public record Outcome(boolean completed, String summary) {

    public Outcome {
      Objects.requireNonNull(summary, "summary");
    }
  }
}
