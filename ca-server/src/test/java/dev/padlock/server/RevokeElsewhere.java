package dev.padlock.server;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.PassphraseSource;
import dev.padlock.ca.revoke.RevocationReason;
import java.nio.file.Path;
import java.time.Clock;

/** Run in another JVM by the tests: revokes a certificate the way 'padlock revoke' does, then exits. */
public final class RevokeElsewhere {
  private RevokeElsewhere() {}

  public static void main(String[] args) {
    try (CertificateAuthority ca = CertificateAuthority.open(Path.of(args[0]), Clock.systemUTC(),
        PassphraseSource.of(ServerFixture.PASSPHRASE.toCharArray()))) {
      ca.revoke(args[1], RevocationReason.parse(args[2]), "test:other-process");
    }
  }
}
