package dev.padlock.tls.trace;

import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Field;
import dev.padlock.tls.trace.HandshakeTrace.Phase;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.tls.ContentType;

/**
 * Collects what happens during one traced handshake, from two vantage points of the same client:
 * the wire (each TLS record, as bytes cross the socket: direction, content type, length, time) and
 * the TLS stack (each record's plaintext, as Bouncy Castle hands it over or is about to protect it).
 * Joining them tells for each message which record carried it and whether that record was
 * encrypted. Used by one thread.
 */
final class Recording {
  /** A TLS record seen on the wire. */
  static final class WireRecord {
    final int index;
    final Direction direction;
    final short contentType;
    final int fragmentLength;
    final Instant at;
    boolean processed;
    short plaintextType = -1;
    int plaintextLength = -1;

    WireRecord(int index, Direction direction, short contentType, int fragmentLength, Instant at) {
      this.index = index;
      this.direction = direction;
      this.contentType = contentType;
      this.fragmentLength = fragmentLength;
      this.at = at;
    }

    /** Protected on the wire: what went over it differs from the plaintext the stack handled. */
    boolean encrypted() {
      return processed && (plaintextType != contentType || plaintextLength != fragmentLength);
    }
  }

  private record PendingStep(Direction direction, String message, int size, WireRecord carrier,
      Instant capturedAt, Phase phase, List<Field> fields) {}

  private final Clock clock;
  private final Instant start;
  private final List<WireRecord> wire = new ArrayList<>();
  private final List<PendingStep> pending = new ArrayList<>();
  private final Map<Direction, ByteArrayOutputStream> handshakeBytes = new EnumMap<>(Direction.class);
  private boolean handshakeComplete;
  private byte[] firstBytesIfNotTls;

  Recording(Clock clock) {
    this.clock = clock;
    this.start = clock.instant();
    for (Direction d : Direction.values()) {
      handshakeBytes.put(d, new ByteArrayOutputStream());
    }
  }

  Instant start() {
    return start;
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------------------------------------
  // The wire

  void wireRecord(Direction direction, short contentType, int fragmentLength) {
    wire.add(new WireRecord(wire.size(), direction, contentType, fragmentLength, clock.instant()));
  }

  /** The peer sent bytes that do not start a TLS record. */
  void notTls(byte[] firstBytes) {
    if (firstBytesIfNotTls == null) {
      firstBytesIfNotTls = firstBytes.clone();
    }
  }

  /** The first bytes the server sent, if they were not a TLS record; else null. */
  byte[] firstBytesIfNotTls() {
    return firstBytesIfNotTls;
  }

  int wireCount() {
    return wire.size();
  }

  /** The last record in this direction, if it came at or after index {@code from}; else null. */
  WireRecord lastWire(Direction direction, int from) {
    for (int i = wire.size() - 1; i >= from; i--) {
      if (wire.get(i).direction == direction) {
        return wire.get(i);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // The plaintext

  void handshakeComplete() {
    handshakeComplete = true;
  }

  boolean isHandshakeComplete() {
    return handshakeComplete;
  }

  /**
   * The plaintext of one record, handed over by the TLS stack. Handshake messages are reassembled
   * across records (RFC 8446 section 5.1) and decoded as they complete.
   */
  void plaintext(Direction direction, short type, byte[] data, WireRecord carrier,
      MessageDecoder decoder) {
    if (carrier != null) {
      carrier.processed = true;
      carrier.plaintextType = type;
      carrier.plaintextLength = data.length;
    }
    switch (type) {
      case ContentType.handshake -> handshake(direction, data, carrier, decoder);
      case ContentType.change_cipher_spec -> add(direction, "ChangeCipherSpec", data.length, carrier,
          List.of());
      case ContentType.alert -> {
        for (int i = 0; i + 1 < data.length; i += 2) {
          add(direction, "Alert", 2, carrier, List.of(
              Field.of("alert", TlsNames.alert((short) (data[i] & 0xff), (short) (data[i + 1] & 0xff)))));
        }
      }
      case ContentType.application_data -> add(direction, "ApplicationData", data.length, carrier,
          List.of());
      default -> add(direction, "Record(" + TlsNames.contentType(type) + ")", data.length, carrier,
          List.of());
    }
  }

  private void handshake(Direction direction, byte[] data, WireRecord carrier,
      MessageDecoder decoder) {
    ByteArrayOutputStream buffer = handshakeBytes.get(direction);
    buffer.writeBytes(data);
    byte[] all = buffer.toByteArray();
    int pos = 0;
    // Handshake framing (RFC 8446 section 4): type (1 byte), length (3 bytes), body.
    while (all.length - pos >= 4) {
      int length = ((all[pos + 1] & 0xff) << 16) | ((all[pos + 2] & 0xff) << 8) | (all[pos + 3] & 0xff);
      if (all.length - pos - 4 < length) {
        break;
      }
      short msgType = (short) (all[pos] & 0xff);
      byte[] body = Arrays.copyOfRange(all, pos + 4, pos + 4 + length);
      MessageDecoder.Decoded d = decoder.decode(msgType, body);
      add(direction, d.name(), 4 + length, carrier, d.fields());
      pos += 4 + length;
    }
    buffer.reset();
    buffer.write(all, pos, all.length - pos);
  }

  private void add(Direction direction, String message, int size, WireRecord carrier,
      List<Field> fields) {
    pending.add(new PendingStep(direction, message, size, carrier, clock.instant(),
        handshakeComplete ? Phase.AFTER_HANDSHAKE : Phase.HANDSHAKE, fields));
  }

  // ---------------------------------------------------------------------------------------------
  // The result

  /**
   * The steps in wire order. Records the stack never processed appear too: a TLS 1.3
   * compatibility ChangeCipherSpec (which a client ignores, RFC 8446 appendix D.4), or a record that
   * arrived after the handshake had failed.
   */
  List<Step> steps(boolean tls13) {
    List<PendingStep> all = new ArrayList<>(pending);
    for (WireRecord r : wire) {
      if (r.processed || r.direction != Direction.SERVER_TO_CLIENT) {
        continue;
      }
      List<Field> note;
      String name;
      if (r.contentType == ContentType.change_cipher_spec && tls13) {
        name = "ChangeCipherSpec";
        note = List.of(Field.of("note", "ignored: TLS 1.3 middlebox compatibility"));
      } else {
        name = "Record(" + TlsNames.contentType(r.contentType) + ")";
        note = List.of(Field.of("note", "not processed"));
      }
      all.add(new PendingStep(r.direction, name, r.fragmentLength, r, r.at,
          phaseAt(r.index), note));
    }
    all.sort(Comparator.comparingInt(p -> p.carrier() == null ? Integer.MAX_VALUE
        : p.carrier().index));
    List<Step> steps = new ArrayList<>();
    for (PendingStep p : all) {
      WireRecord r = p.carrier();
      Instant at = r != null ? r.at : p.capturedAt();
      steps.add(new Step(Duration.between(start, at), p.direction(), p.message(), p.size(),
          r == null ? -1 : r.index, r == null ? 0 : r.fragmentLength + 5,
          r != null && r.encrypted(), p.phase(), p.fields()));
    }
    return steps;
  }

  /** The phase of the processed step nearest before a record, for records never processed. */
  private Phase phaseAt(int recordIndex) {
    Phase phase = Phase.HANDSHAKE;
    for (PendingStep p : pending) {
      if (p.carrier() != null && p.carrier().index < recordIndex) {
        phase = p.phase();
      }
    }
    return phase;
  }

  /**
   * Round trips of the handshake: how many times the client sent a flight and then received one
   * from the server before its side of the handshake completed (TLS 1.3 full handshake: 1; with a
   * HelloRetryRequest: 2; TLS 1.2 full handshake: 2).
   */
  static int roundTrips(List<Step> steps) {
    int trips = 0;
    Direction previous = null;
    for (Step s : steps) {
      // Only handshake messages make flights: a TLS 1.3 compatibility ChangeCipherSpec or an alert
      // awaits no answer.
      if (s.phase() != Phase.HANDSHAKE || s.recordIndex() < 0 || !isHandshakeMessage(s)) {
        continue;
      }
      if (previous == Direction.CLIENT_TO_SERVER && s.direction() == Direction.SERVER_TO_CLIENT) {
        trips++;
      }
      previous = s.direction();
    }
    return trips;
  }

  private static boolean isHandshakeMessage(Step s) {
    return switch (s.message()) {
      case "ChangeCipherSpec", "Alert", "ApplicationData" -> false;
      default -> !s.message().startsWith("Record(");
    };
  }
}
