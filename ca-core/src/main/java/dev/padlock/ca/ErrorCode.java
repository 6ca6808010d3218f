package dev.padlock.ca;

/**
 * The one error vocabulary of padlock. Each code has a stable problem {@code type} slug (RFC 9457),
 * the HTTP status the server answers with, and the kind of failure the CLI turns into an exit code.
 *
 * <p>The slug is a contract: clients match on it. Add codes; never rename one.
 */
public enum ErrorCode {
  // Invalid input: the request itself is wrong. CLI exit 2, HTTP 400-class.
  MALFORMED_INPUT("malformed-input", 400, Kind.INVALID_INPUT),
  MALFORMED_CSR("malformed-csr", 400, Kind.INVALID_INPUT),
  CSR_SIGNATURE_INVALID("csr-signature-invalid", 400, Kind.INVALID_INPUT),
  UNSUPPORTED_KEY("unsupported-key", 400, Kind.INVALID_INPUT),
  INVALID_NAME("invalid-name", 400, Kind.INVALID_INPUT),
  INVALID_SERIAL("invalid-serial", 400, Kind.INVALID_INPUT),
  INVALID_DURATION("invalid-duration", 400, Kind.INVALID_INPUT),
  UNKNOWN_PROFILE("unknown-profile", 400, Kind.INVALID_INPUT),
  CA_REQUESTED("ca-requested", 400, Kind.INVALID_INPUT),
  WRONG_PASSPHRASE("wrong-passphrase", 400, Kind.INVALID_INPUT),
  PASSPHRASE_REQUIRED("passphrase-required", 400, Kind.INVALID_INPUT),
  INVALID_CONFIG("invalid-config", 400, Kind.INVALID_INPUT),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, Kind.INVALID_INPUT),
  BODY_TOO_LARGE("body-too-large", 413, Kind.INVALID_INPUT),
  NOT_FOUND("not-found", 404, Kind.INVALID_INPUT),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, Kind.INVALID_INPUT),
  NOT_ACCEPTABLE("not-acceptable", 406, Kind.INVALID_INPUT),

  // Refused by policy or by the state of the CA. CLI exit 3, HTTP 4xx.
  NAME_NOT_ALLOWED("name-not-allowed", 403, Kind.REFUSED),
  KEY_TYPE_NOT_ALLOWED("key-type-not-allowed", 403, Kind.REFUSED),
  VALIDITY_TOO_LONG("validity-too-long", 403, Kind.REFUSED),
  CA_EXISTS("ca-exists", 409, Kind.REFUSED),
  CA_NOT_FOUND("ca-not-found", 404, Kind.REFUSED),
  UNKNOWN_SERIAL("unknown-serial", 404, Kind.REFUSED),
  ALREADY_REVOKED("already-revoked", 409, Kind.REFUSED),
  ISSUER_EXPIRED("issuer-expired", 409, Kind.REFUSED),
  STORE_IN_USE("store-in-use", 409, Kind.REFUSED),
  UNAUTHORIZED("unauthorized", 401, Kind.REFUSED),
  FORBIDDEN("forbidden", 403, Kind.REFUSED),

  // Our fault, not the caller's. CLI exit 1, HTTP 500. Never used for bad input.
  INTERNAL("internal", 500, Kind.INTERNAL),
  STORE_UNAVAILABLE("store-unavailable", 503, Kind.INTERNAL);

  /** What kind of failure a code is; the CLI maps it to an exit code. */
  public enum Kind { INVALID_INPUT, REFUSED, INTERNAL }

  private final String slug;
  private final int httpStatus;
  private final Kind kind;

  ErrorCode(String slug, int httpStatus, Kind kind) {
    this.slug = slug;
    this.httpStatus = httpStatus;
    this.kind = kind;
  }

  /** The stable problem-type slug, e.g. {@code csr-signature-invalid}. */
  public String slug() {
    return slug;
  }

  /** The problem {@code type} URI: {@code https://padlock.dev/problems/<slug>}. */
  public String typeUri() {
    return "https://padlock.dev/problems/" + slug;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Kind kind() {
    return kind;
  }
}
