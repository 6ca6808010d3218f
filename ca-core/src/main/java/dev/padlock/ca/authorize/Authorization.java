package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of an authorizer: who the caller is (for the audit log), what they may get, and — for a
 * one-time enrollment token — the token that pays for the certificate. {@code CertificateAuthority.issue}
 * spends that token in the same transaction that stores the certificate, so a token buys exactly one.
 *
 * @param actor who asks, as the audit log names them: {@code cli:alice}, {@code token:1a2b3c4d}, {@code mtls:0A1B…}
 * @param constraints what they may get
 * @param tokenHash the SHA-256 (hex) of the enrollment token to spend, if a token authorized this
 */
public record Authorization(String actor, Constraints constraints, Optional<String> tokenHash) {
  public Authorization {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(constraints, "constraints");
    Objects.requireNonNull(tokenHash, "tokenHash");
  }

  /** The CA operator at the console (holds the CA key): anything the profile allows. */
  public static Authorization operator(String actor) {
    return new Authorization(actor, Constraints.NONE, Optional.empty());
  }

  /**
   * The profile to issue under: the one the caller named (e.g. an EST label), else the one the
   * authorization is for.
   *
   * @throws PadlockException {@link ErrorCode#MALFORMED_INPUT} when neither names one
   */
  public String profile(Optional<String> asked) {
    return asked.or(constraints::profile).orElseThrow(() -> new PadlockException(ErrorCode.MALFORMED_INPUT,
        "name a profile: server, client or device"));
  }
}
