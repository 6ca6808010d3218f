package dev.padlock.ca.testing;

import dev.padlock.ca.CaInitializer;
import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** A throwaway CA in a test's temporary directory. */
public final class TestCa {
  public static final String PASSPHRASE = "correct horse battery staple";

  private TestCa() {}

  public static CaInitializer.Result init(Path dir, Clock clock) {
    return init(dir, clock, KeyAlgorithm.EC_P256, Optional.empty());
  }

  public static CaInitializer.Result init(Path dir, Clock clock, KeyAlgorithm type, Optional<String> baseUrl) {
    return CaInitializer.init(new CaInitializer.Options(dir, "Test", type, baseUrl, Optional.empty(),
        PASSPHRASE.toCharArray()), clock);
  }

  public static CertificateAuthority open(Path dir, Clock clock) {
    return CertificateAuthority.open(dir, clock, PassphraseSource.of(PASSPHRASE.toCharArray()));
  }
}
