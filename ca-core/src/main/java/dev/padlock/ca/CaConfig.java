package dev.padlock.ca;

import dev.padlock.ca.issue.NamePolicy;
import dev.padlock.ca.issue.Profile;
import dev.padlock.ca.sign.KeyAlgorithm;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The CA's settings, read from {@code padlock.conf} in the CA directory (a properties file that {@code
 * padlock init} writes with comments). Validated here, once; a bad value is refused with the key and the
 * file named.
 */
public record CaConfig(String name, Optional<String> baseUrl, Duration crlNextUpdate, Map<String, Profile> profiles,
    Optional<Duration> ocspDelegateValidity, boolean storeForcedToDisk) {
  public static final String FILE_NAME = "padlock.conf";
  /** Bounds of {@code ocsp.delegated.validity}: its certificate is never checked for revocation (ocsp-nocheck). */
  static final Duration MIN_OCSP_DELEGATE = Duration.ofHours(1);
  static final Duration MAX_OCSP_DELEGATE = Duration.ofDays(30);

  /**
   * @param ocspDelegateValidity empty when the issuing CA signs OCSP responses; else a delegate's lifetime
   * @param storeForcedToDisk {@code store.durability=disk} (the default): the embedded store waits for the
   *     disk after each issuance, revocation and audit entry; {@code os}: it hands the write to the
   *     operating system only (a killed padlock loses nothing, a power failure may lose the last writes)
   */

  public CaConfig {
    profiles = Map.copyOf(profiles);
  }

  public Profile profile(String name) {
    Profile p = profiles.get(name);
    if (p == null) {
      Profile.usageOf(name); // throws UNKNOWN_PROFILE for names that are not profiles at all
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "profile '" + name + "' is missing from " + FILE_NAME);
    }
    return p;
  }

  public static CaConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new PadlockException(ErrorCode.CA_NOT_FOUND, "no CA at " + file.getParent()
          + ": " + FILE_NAME + " is missing (create a CA with 'padlock init --dir " + file.getParent() + "')");
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  static CaConfig parse(String text, String where) {
    Properties p = new Properties();
    try (Reader r = new StringReader(text)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "cannot parse " + where + ": " + e.getMessage(), e);
    }
    Settings reader = new Settings(p, where);
    String name = reader.required("ca.name");
    Optional<String> baseUrl = Optional.ofNullable(p.getProperty("ca.base-url")).map(String::trim)
        .filter(s -> !s.isEmpty()).map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    Duration crl = reader.duration("crl.next-update", "24h");
    Optional<Duration> ocspDelegate = switch (p.getProperty("ocsp.signer", "issuing").trim()) {
      case "", "issuing" -> Optional.empty();
      case "delegated" -> Optional.of(reader.duration("ocsp.delegated.validity", "7d"));
      default -> throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": ocsp.signer: '"
          + p.getProperty("ocsp.signer").trim() + "' is neither 'issuing' nor 'delegated'");
    };
    if (ocspDelegate.isPresent() && (ocspDelegate.get().compareTo(MIN_OCSP_DELEGATE) < 0
        || ocspDelegate.get().compareTo(MAX_OCSP_DELEGATE) > 0)) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": ocsp.delegated.validity: "
          + DurationText.format(ocspDelegate.get()) + " is outside 1h..30d (the responder certificate is never "
          + "checked for revocation, so it must be short-lived)");
    }
    boolean forced = switch (p.getProperty("store.durability", "disk").trim()) {
      case "", "disk" -> true;
      case "os" -> false;
      default -> throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": store.durability: '"
          + p.getProperty("store.durability").trim() + "' is neither 'disk' (wait for the disk: the default) nor "
          + "'os' (faster; a power failure may lose the last writes)");
    };
    Map<String, Profile> profiles = new LinkedHashMap<>();
    for (String profile : Profile.NAMES) {
      String k = "profile." + profile + ".";
      Duration def = reader.duration(k + "validity.default", "30d");
      Duration max = reader.duration(k + "validity.max", "90d");
      Set<KeyAlgorithm> keys = EnumSet.noneOf(KeyAlgorithm.class);
      for (String label : reader.list(k + "key-types", defaultKeyTypes())) {
        try {
          keys.add(KeyAlgorithm.fromLabel(label));
        } catch (PadlockException e) {
          throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": " + k + "key-types: " + e.getMessage());
        }
      }
      NamePolicy policy;
      try {
        policy = new NamePolicy(reader.list(k + "allow.dns", ""), reader.list(k + "allow.ip", ""),
            reader.list(k + "allow.uri", ""), reader.list(k + "allow.email", ""));
      } catch (PadlockException e) {
        throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": " + k + "allow.ip: " + e.getMessage());
      }
      try {
        profiles.put(profile, new Profile(profile, Profile.usageOf(profile), def, max, keys, policy));
      } catch (PadlockException e) {
        throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": " + e.getMessage());
      }
    }
    return new CaConfig(name, baseUrl, crl, profiles, ocspDelegate, forced);
  }

  private static String defaultKeyTypes() {
    return "ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519";
  }

  private record Settings(Properties p, String where) {
    String required(String key) {
      String v = p.getProperty(key);
      if (v == null || v.isBlank()) {
        throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": " + key + " is missing");
      }
      return v.trim();
    }

    Duration duration(String key, String dflt) {
      String v = p.getProperty(key, dflt).trim();
      try {
        return DurationText.parse(v.isEmpty() ? dflt : v);
      } catch (PadlockException e) {
        throw new PadlockException(ErrorCode.INVALID_CONFIG, where + ": " + key + ": " + e.getMessage());
      }
    }

    List<String> list(String key, String dflt) {
      String v = p.getProperty(key, dflt);
      return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  /** The text {@code padlock init} writes: every setting with its default and a comment saying what it does. */
  public static String template(String name, Optional<String> baseUrl) {
    return """
        # padlock CA configuration, written by 'padlock init'.
        # Edit it to change limits; every command reads it when it starts
        # ('padlock serve' reads it at start: restart it to apply changes).
        # Durations: a number and a unit: s, m, h, d, w, y (365 days).

        # The CA's name, as given to 'padlock init'.
        ca.name=%s

        # Base URL at which this CA publishes its CRL (<url>/crl) and OCSP responder (<url>/ocsp).
        # When set, every certificate carries a CRL distribution point and an OCSP address.
        ca.base-url=%s

        # How long each CRL is valid (its nextUpdate). A new CRL is made on every revocation.
        crl.next-update=24h

        # Who signs OCSP responses: 'issuing' (the issuing CA's key) or 'delegated': a responder
        # certificate (EKU OCSPSigning, id-pkix-ocsp-nocheck) that the answering process ('padlock serve')
        # issues to itself on first use, records in the store, keeps in memory only, and replaces when a
        # third of ocsp.delegated.validity (1h to 30d) is left.
        ocsp.signer=issuing
        ocsp.delegated.validity=7d

        # When an issuance, a revocation or an audit entry counts as stored (the embedded H2 store;
        # PostgreSQL follows its own synchronous_commit): 'disk' waits for the disk (fsync) before the
        # command or request returns, so not even a power failure loses a certificate that was handed out;
        # 'os' hands the write to the operating system only: faster, and a killed or crashed padlock loses
        # nothing, but a power failure or kernel crash may lose the last writes.
        store.durability=disk

        # --- Profiles --------------------------------------------------------------------------
        # server: TLS servers. EKU serverAuth; needs at least one DNS or IP name
        #         (a CN that is a DNS name is added as one).
        # client: TLS clients. EKU clientAuth.
        # device: devices. EKU clientAuth; needs a URI or DNS name naming the device.
        #
        # For each profile:
        #   validity.default  lifetime when none is asked for
        #   validity.max      the longest lifetime that may be asked for
        #   key-types         accepted keys: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519
        #   allow.dns, allow.ip, allow.uri, allow.email
        #                     name policy, comma-separated. All empty (the default) allows any name.
        #                     Once any is set, every name must match a rule of its own type:
        #                       allow.dns=api.example.com, .svc.example.com   (a leading dot: any name below)
        #                       allow.ip=10.0.0.0/8, fd00::/8
        #                       allow.uri=spiffe://example.org/
        #                       allow.email=example.com
        #                     and the CN must be one of the allowed names.

        profile.server.validity.default=30d
        profile.server.validity.max=90d
        profile.server.key-types=ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519
        profile.server.allow.dns=
        profile.server.allow.ip=
        profile.server.allow.uri=
        profile.server.allow.email=

        profile.client.validity.default=30d
        profile.client.validity.max=90d
        profile.client.key-types=ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519
        profile.client.allow.dns=
        profile.client.allow.ip=
        profile.client.allow.uri=
        profile.client.allow.email=

        profile.device.validity.default=30d
        profile.device.validity.max=365d
        profile.device.key-types=ec-p256, ec-p384, rsa-2048, rsa-3072, ed25519
        profile.device.allow.dns=
        profile.device.allow.ip=
        profile.device.allow.uri=
        profile.device.allow.email=
        """.formatted(escape(name), baseUrl.orElse(""));
  }

  private static String escape(String value) {
    StringBuilder sb = new StringBuilder();
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '#', '!', '=', ':' -> sb.append('\\').append(c);
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
