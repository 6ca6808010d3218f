package dev.padlock.tls.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.padlock.tls.trace.HandshakeTrace.Direction;
import dev.padlock.tls.trace.HandshakeTrace.Phase;
import dev.padlock.tls.trace.HandshakeTrace.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordingTest {
  private static final Direction C = Direction.CLIENT_TO_SERVER;
  private static final Direction S = Direction.SERVER_TO_CLIENT;
  // No message here needs the TLS context to decode.
  private static final MessageDecoder DECODER = new MessageDecoder(null);

  private final Recording r = new Recording(new TickingClock(Instant.EPOCH));

  /** A record from the server, as the wire tap and then the stack would report it. */
  private void fromServer(short wireType, int wireLength, short type, byte[] plaintext) {
    r.wireRecord(S, wireType, wireLength);
    r.plaintext(S, type, plaintext, r.lastWire(S, 0), DECODER);
  }

  private static byte[] finished(int verifyDataLength) {
    byte[] m = new byte[4 + verifyDataLength];
    m[0] = 20;
    m[3] = (byte) verifyDataLength;
    return m;
  }

  @Test
  void aHandshakeMessageSplitAcrossRecordsIsOneStepCarriedByTheLastRecord() {
    byte[] fin = finished(32);
    byte[] first = java.util.Arrays.copyOfRange(fin, 0, 10);
    byte[] rest = java.util.Arrays.copyOfRange(fin, 10, fin.length);
    fromServer(ContentType.handshake, 10, ContentType.handshake, first);
    fromServer(ContentType.handshake, 26, ContentType.handshake, rest);

    List<Step> steps = r.steps(false);
    assertThat(steps).extracting(Step::message, Step::size, Step::recordIndex, Step::recordSize)
        .containsExactly(tuple("Finished", 36, 1, 31));
    assertThat(steps.get(0).field("verify_data").orElseThrow().text()).isEqualTo("32 bytes");
  }

  @Test
  void messagesSharingARecordShareItsIndexAndTime() {
    byte[] two = new byte[8];
    two[0] = 14; // ServerHelloDone, empty
    two[4] = 14;
    fromServer(ContentType.handshake, 8, ContentType.handshake, two);

    assertThat(r.steps(false)).extracting(Step::message, Step::recordIndex, Step::offset)
        .containsExactly(tuple("ServerHelloDone", 0, Duration.ofMillis(1)),
            tuple("ServerHelloDone", 0, Duration.ofMillis(1)));
  }

  @Test
  void aRecordIsEncryptedWhenTheWireDiffersFromThePlaintext() {
    // TLS 1.2 Finished after ChangeCipherSpec: 16 plaintext bytes, 8 nonce + 16 tag more on the wire.
    fromServer(ContentType.handshake, 40, ContentType.handshake, finished(12));
    // TLS 1.3: the record's outer type is application_data, whatever it carries.
    fromServer(ContentType.application_data, 53, ContentType.handshake, finished(32));
    // In clear.
    fromServer(ContentType.handshake, 16, ContentType.handshake, finished(12));

    assertThat(r.steps(true)).extracting(Step::encrypted).containsExactly(true, true, false);
  }

  @Test
  void aCompatibilityChangeCipherSpecTheStackIgnoredStillShows() {
    r.wireRecord(S, ContentType.change_cipher_spec, 1); // never handed to processRecord
    fromServer(ContentType.application_data, 23, ContentType.handshake, new byte[] {8, 0, 0, 2, 0, 0});

    assertThat(r.steps(true)).extracting(Step::message, Step::encrypted)
        .containsExactly(tuple("ChangeCipherSpec", false), tuple("EncryptedExtensions", true));
    assertThat(r.steps(true).get(0).field("note").orElseThrow().text()).contains("ignored");
    assertThat(r.steps(false).get(0).message()).isEqualTo("Record(change_cipher_spec)");
  }

  @Test
  void stepsAfterOurSideCompletedAreMarkedSo() {
    fromServer(ContentType.handshake, 36, ContentType.handshake, finished(32));
    r.handshakeComplete();
    fromServer(ContentType.alert, 2, ContentType.alert, new byte[] {2, 116});

    assertThat(r.steps(true)).extracting(Step::message, Step::phase).containsExactly(
        tuple("Finished", Phase.HANDSHAKE), tuple("Alert", Phase.AFTER_HANDSHAKE));
    assertThat(r.steps(true).get(1).field("alert").orElseThrow().text())
        .isEqualTo("fatal certificate_required");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "TLS 1.3                  | C:ClientHello S:ServerHello C:ChangeCipherSpec S:ChangeCipherSpec S:EncryptedExtensions S:Finished C:Finished | 1",
      "TLS 1.3 with HRR         | C:ClientHello S:HelloRetryRequest C:ClientHello S:ServerHello S:Finished C:Finished | 2",
      "TLS 1.2                  | C:ClientHello S:ServerHello S:ServerHelloDone C:ClientKeyExchange C:ChangeCipherSpec C:Finished S:ChangeCipherSpec S:Finished | 2",
      "refused at first flight  | C:ClientHello S:Alert | 0",
      "we abort after a flight  | C:ClientHello S:ServerHello S:Certificate C:Alert | 1",
  })
  void roundTripsCountAnsweredClientFlights(String name, String flow, int expected) {
    List<Step> steps = new ArrayList<>();
    int i = 0;
    for (String s : flow.trim().split(" ")) {
      Direction d = s.startsWith("C:") ? C : S;
      steps.add(new Step(Duration.ZERO, d, s.substring(2), 4, i++, 9, false, Phase.HANDSHAKE,
          List.of()));
    }
    assertThat(Recording.roundTrips(steps)).isEqualTo(expected);
  }
}
