package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.SubjectAltName;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an authorized caller may get (step-ca's "sign options"): a profile, a common name, and the set of
 * names a certificate may carry. An empty field allows anything the profile allows. Authorizers return
 * constraints; only {@code CertificateAuthority.issue} applies them, after the profile's own checks.
 *
 * @param profile the only profile the caller may use
 * @param commonName the only CN the caller may ask for
 * @param names the SANs the caller may ask for (a subset of them; none asked means all of them). The CN,
 *     when it is a DNS name, is always allowed as a DNS SAN.
 */
public record Constraints(Optional<String> profile, Optional<String> commonName, Optional<Set<SubjectAltName>> names) {
  /** No constraint beyond the profile's: for the CA operator and admins. */
  public static final Constraints NONE = new Constraints(Optional.empty(), Optional.empty(), Optional.empty());

  public Constraints {
    names = names.map(Set::copyOf);
  }

  public static Constraints of(String profile, String commonName, List<SubjectAltName> names) {
    return new Constraints(Optional.of(profile), Optional.of(commonName), Optional.of(new LinkedHashSet<>(names)));
  }

  /** The SANs to issue when the request asks for none: all the allowed ones (or none when unconstrained). */
  public List<SubjectAltName> defaultNames() {
    return names.map(List::copyOf).orElse(List.of());
  }

  /**
   * Checks a decided profile, CN and SAN list against these constraints.
   *
   * @throws PadlockException {@link ErrorCode#FORBIDDEN} for another profile, {@link ErrorCode#NAME_NOT_ALLOWED}
   *     for a CN or name outside the constraints
   */
  public void check(String askedProfile, String cn, List<SubjectAltName> sans) {
    if (profile.isPresent() && !profile.get().equals(askedProfile)) {
      throw new PadlockException(ErrorCode.FORBIDDEN, "this authorization is for profile '" + profile.get()
          + "', not '" + askedProfile + "'");
    }
    if (commonName.isPresent() && !commonName.get().equalsIgnoreCase(cn)) {
      throw new PadlockException(ErrorCode.NAME_NOT_ALLOWED, "common name '" + cn
          + "' is not the one this authorization is for ('" + commonName.get() + "')");
    }
    if (names.isPresent()) {
      for (SubjectAltName san : sans) {
        boolean cnAsDns = san.type() == SubjectAltName.Type.DNS
            && san.value().equals(cn.toLowerCase(Locale.ROOT));
        if (!cnAsDns && !names.get().contains(san)) {
          throw new PadlockException(ErrorCode.NAME_NOT_ALLOWED, "name " + san
              + " is not one this authorization allows (allowed: " + (names.get().isEmpty() ? "none besides the CN"
                  : String.join(", ", names.get().stream().map(SubjectAltName::toString).sorted().toList())) + ")");
        }
      }
    }
  }
}
