package dev.padlock.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** padlock.conf as init writes it, the OCSP signer and the store durability settings. */
class CaConfigTest {
  private static final String TEMPLATE = CaConfig.template("Acme", Optional.empty());

  @Test
  void theTemplateParsesWithItsDefaults() {
    CaConfig c = CaConfig.parse(TEMPLATE, "padlock.conf");
    assertThat(c.name()).isEqualTo("Acme");
    assertThat(c.crlNextUpdate()).isEqualTo(Duration.ofHours(24));
    assertThat(c.ocspDelegateValidity()).isEmpty();
    assertThat(c.storeForcedToDisk()).isTrue();
  }

  @Test
  void storeDurabilityIsDiskUnlessOsIsAsked() {
    assertThat(CaConfig.parse(TEMPLATE.replace("store.durability=disk", ""), "padlock.conf").storeForcedToDisk())
        .isTrue(); // a config written by an older padlock
    assertThat(CaConfig.parse(TEMPLATE.replace("store.durability=disk", "store.durability=os"), "padlock.conf")
        .storeForcedToDisk()).isFalse();
    assertThatThrownBy(() -> CaConfig.parse(TEMPLATE.replace("store.durability=disk", "store.durability=never"),
        "padlock.conf")).isInstanceOf(PadlockException.class)
        .hasMessageStartingWith("padlock.conf: store.durability: 'never' is neither 'disk'");
  }

  @Test
  void aConfigWithoutOcspSettingsStillOpens() { // written by an older padlock
    String old = TEMPLATE.replace("ocsp.signer=issuing", "").replace("ocsp.delegated.validity=7d", "");
    assertThat(CaConfig.parse(old, "padlock.conf").ocspDelegateValidity()).isEmpty();
  }

  @Test
  void delegatedTakesItsValidity() {
    assertThat(CaConfig.parse(TEMPLATE.replace("ocsp.signer=issuing", "ocsp.signer=delegated"), "padlock.conf")
        .ocspDelegateValidity()).hasValue(Duration.ofDays(7));
    assertThat(CaConfig.parse(TEMPLATE.replace("ocsp.signer=issuing", "ocsp.signer=delegated")
        .replace("ocsp.delegated.validity=7d", "ocsp.delegated.validity=12h"), "padlock.conf")
        .ocspDelegateValidity()).hasValue(Duration.ofHours(12));
  }

  @Test
  void badOcspSettingsAreRefusedWithTheKeyNamed() {
    assertThatThrownBy(() -> CaConfig.parse(TEMPLATE.replace("ocsp.signer=issuing", "ocsp.signer=someone"),
        "padlock.conf")).isInstanceOf(PadlockException.class)
        .hasMessage("padlock.conf: ocsp.signer: 'someone' is neither 'issuing' nor 'delegated'");
    assertThatThrownBy(() -> CaConfig.parse(TEMPLATE.replace("ocsp.signer=issuing", "ocsp.signer=delegated")
        .replace("ocsp.delegated.validity=7d", "ocsp.delegated.validity=365d"), "padlock.conf"))
        .isInstanceOf(PadlockException.class).hasMessageStartingWith("padlock.conf: ocsp.delegated.validity: 365d is "
            + "outside 1h..30d");
  }
}
