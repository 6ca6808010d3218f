package dev.padlock.ca.authorize;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Authorizes an initial enrollment by a one-time token: the token's grant becomes the constraints, and
 * the token itself is spent only when the certificate is stored. A wrong, used or expired token gets the
 * same answer, {@link ErrorCode#UNAUTHORIZED}, so a caller learns nothing about which it was.
 */
public final class TokenAuthorizer {
  private final TokenStore tokens;
  private final Clock clock;

  public TokenAuthorizer(TokenStore tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** @throws PadlockException {@link ErrorCode#UNAUTHORIZED} for anything but a token that can still be spent */
  public Authorization authorize(String presented) {
    if (presented == null || presented.isBlank() || presented.length() > EnrollmentToken.MAX_LENGTH) {
      throw refused();
    }
    String hash = EnrollmentToken.hash(presented.trim());
    TokenGrant grant = tokens.findRedeemable(hash, clock.instant().truncatedTo(ChronoUnit.SECONDS))
        .orElseThrow(TokenAuthorizer::refused);
    return new Authorization("token:" + grant.id(), grant.constraints(), Optional.of(hash));
  }

  static PadlockException refused() {
    return new PadlockException(ErrorCode.UNAUTHORIZED,
        "the enrollment token is not valid (unknown, already used or expired): ask for a new one");
  }
}
