package dev.padlock.ca.sign;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider instance padlock uses for its own signing and verification. It is
 * handed to builders explicitly and never registered with {@code Security.addProvider}: padlock must not
 * change the JVM it runs in. (On Java 17, BC's P-256 is several times faster than SunEC's.)
 */
public final class BouncyCastle {
  private static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}

  public static Provider provider() {
    return PROVIDER;
  }
}
