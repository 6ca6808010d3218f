package dev.padlock.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamePolicyTest {
  static final NamePolicy POLICY = new NamePolicy(List.of("api.example.com", ".svc.example.com"),
      List.of("10.0.0.0/8", "fd00::/8"), List.of("spiffe://example.org/"), List.of("example.com"));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "dns:api.example.com, true",
      "dns:db.svc.example.com, true",
      "dns:a.b.svc.example.com, true",
      "dns:svc.example.com, false",
      "dns:evil.com, false",
      "dns:api.example.com.evil.com, false",
      "ip:10.1.2.3, true",
      "ip:11.0.0.1, false",
      "ip:fd00::1, true",
      "ip:fe80::1, false",
      "uri:spiffe://example.org/device/1, true",
      "uri:spiffe://example.org.evil/x, false",
      "email:alice@example.com, true",
      "email:alice@sub.example.com, false",
  })
  void namesAreCheckedAgainstRulesOfTheirType(String name, boolean allowed) {
    assertThat(POLICY.allows(SubjectAltName.parse(name))).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "refused: {0}")
  @CsvSource({"dns:not..valid", "ip:300.1.1.1", "uri:relative/path", "email:nobody", "dns:-bad.example"})
  void malformedNamesAreRefused(String text) {
    assertThatThrownBy(() -> SubjectAltName.parse(text))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME));
  }

  @org.junit.jupiter.api.Test
  void emptyPolicyAllowsAnyNameAndCommonNameMustBeAnAllowedName() {
    NamePolicy.ALLOW_ANY.check("server", "anything", List.of(SubjectAltName.parse("dns:whatever.test")));
    assertThatThrownBy(() -> POLICY.check("server", "root", List.of(SubjectAltName.parse("dns:api.example.com"))))
        .isInstanceOfSatisfying(PadlockException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_NOT_ALLOWED))
        .hasMessageStartingWith("common name 'root' is not allowed");
  }
}
