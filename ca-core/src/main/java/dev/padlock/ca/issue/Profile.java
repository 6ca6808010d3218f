package dev.padlock.ca.issue;

import dev.padlock.ca.DurationText;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A certificate profile: what kind of certificate it makes (its {@link Usage}), how long it may live, which
 * key types it takes and which names it may carry. The three profiles are {@code server}, {@code client}
 * and {@code device}; their limits come from the CA's {@code padlock.conf}.
 */
public record Profile(
    String name, Usage usage, Duration defaultValidity, Duration maxValidity, Set<KeyAlgorithm> keyTypes,
    NamePolicy namePolicy) {

  /** The fixed part of a profile: its extended key usage and the names it must have. */
  public enum Usage {
    /** TLS servers: EKU serverAuth, at least one DNS or IP SAN. */
    SERVER(KeyPurposeId.id_kp_serverAuth),
    /** TLS clients (people, services): EKU clientAuth. */
    CLIENT(KeyPurposeId.id_kp_clientAuth),
    /** Devices: EKU clientAuth, a URI or DNS SAN naming the device. */
    DEVICE(KeyPurposeId.id_kp_clientAuth);

    private final KeyPurposeId eku;

    Usage(KeyPurposeId eku) {
      this.eku = eku;
    }

    public KeyPurposeId eku() {
      return eku;
    }
  }

  public static final List<String> NAMES = List.of("server", "client", "device");

  public Profile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(usage, "usage");
    keyTypes = Set.copyOf(keyTypes);
    if (defaultValidity.compareTo(maxValidity) > 0) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "profile '" + name + "': default validity "
          + DurationText.format(defaultValidity) + " is above its maximum " + DurationText.format(maxValidity));
    }
    if (keyTypes.isEmpty()) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "profile '" + name + "' accepts no key type");
    }
  }

  public static Usage usageOf(String profileName) {
    return switch (profileName) {
      case "server" -> Usage.SERVER;
      case "client" -> Usage.CLIENT;
      case "device" -> Usage.DEVICE;
      default -> throw new PadlockException(ErrorCode.UNKNOWN_PROFILE,
          "unknown profile '" + profileName + "': use one of " + String.join(", ", NAMES));
    };
  }

  /** The validity to use: the default if none is asked for; refused above the maximum. */
  public Duration validity(Duration requested) {
    if (requested == null) {
      return defaultValidity;
    }
    if (requested.compareTo(maxValidity) > 0) {
      throw new PadlockException(ErrorCode.VALIDITY_TOO_LONG, "validity " + DurationText.format(requested)
          + " is above the maximum of profile '" + name + "' (" + DurationText.format(maxValidity) + ")");
    }
    return requested;
  }

  public void checkKeyType(KeyAlgorithm type) {
    if (!keyTypes.contains(type)) {
      throw new PadlockException(ErrorCode.KEY_TYPE_NOT_ALLOWED, "key type " + type.label()
          + " is not allowed by profile '" + name + "' (allowed: " + keyTypes.stream().sorted()
              .map(KeyAlgorithm::label).reduce((a, b) -> a + ", " + b).orElse("") + ")");
    }
  }
}
