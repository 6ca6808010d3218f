package dev.padlock.tls.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @ParameterizedTest(name = "{index}: {0}")
  @ValueSource(strings = {"", "plain", "quote \" and backslash \\", "line\nbreak\r\ttab",
      "\u0000\u0001\u001f\b\f control", "CN=caf\u00e9,O=\"x, y\"", "emoji \ud83d\udd12", "/slash",
      "\u007f\u2028"})
  void stringsSurviveTheRoundTrip(String s) {
    String json = JsonWriter.write(Map.of("v", s));
    assertThat(JsonCheck.object(JsonCheck.parse(json)).get("v")).isEqualTo(s);
  }

  @Test
  void structuresAndScalarsKeepTheirShapeAndOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1);
    m.put("a", List.of());
    m.put("empty", Map.of());
    m.put("absent", Optional.empty());
    m.put("present", Optional.of("x"));
    m.put("null", null);
    m.put("bool", false);
    m.put("ms", new BigDecimal("12.3"));
    m.put("list", List.of("a", List.of(1L, true)));

    Map<String, Object> back = JsonCheck.object(JsonCheck.parse(JsonWriter.write(m)));

    assertThat(back.keySet()).containsExactly("z", "a", "empty", "absent", "present", "null",
        "bool", "ms", "list");
    assertThat(back.get("z")).isEqualTo(new BigDecimal("1"));
    assertThat(back.get("a")).isEqualTo(List.of());
    assertThat(back.get("empty")).isEqualTo(Map.of());
    assertThat(back.get("absent")).isNull();
    assertThat(back.get("present")).isEqualTo("x");
    assertThat(back.get("bool")).isEqualTo(false);
    assertThat(back.get("ms")).isEqualTo(new BigDecimal("12.3"));
    assertThat(back.get("list")).isEqualTo(List.of("a", List.of(new BigDecimal("1"), true)));
  }
}
