package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SerialNumberTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "0A1B2C, 0A1B2C",
      "0a:1b:2c, 0A1B2C",
      "0x0a1b2c, 0A1B2C",
      "a1b2c, 0A1B2C",
  })
  void hexFormsAreReadAsHex(String text, String hex) {
    assertThat(SerialNumber.candidates(text)).containsExactly(SerialNumber.ofHex(hex));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1234"})
  void digitsOnlyAreReadAsDecimalFirstThenHex(String text) {
    assertThat(SerialNumber.candidates(text)).containsExactly(
        new SerialNumber(new BigInteger("1234")), new SerialNumber(new BigInteger("1234", 16)));
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"", "xyz", "0x", "12-34", "0"})
  void nonSerialsAreRefused(String text) {
    assertThatThrownBy(() -> SerialNumber.candidates(text))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SERIAL));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {1, 15, 255, 4096})
  void hexHasAnEvenNumberOfDigitsAsOpensslPrintsIt(int value) {
    assertThat(new SerialNumber(BigInteger.valueOf(value)).hex().length() % 2).isZero();
    assertThat(List.of(new SerialNumber(BigInteger.valueOf(255)).hex())).containsExactly("FF");
  }
}
