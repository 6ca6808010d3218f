-- padlock store, version 2: one-time enrollment tokens.
-- Only the SHA-256 of a token is kept; the token itself is shown once, when it is created.
-- A token is spent by a conditional UPDATE (used_at IS NULL AND expires_at > now) in the same
-- transaction that stores the certificate it pays for, so it buys exactly one certificate.

CREATE TABLE enrollment_tokens (
  token_hash   CHAR(64)      NOT NULL PRIMARY KEY,  -- SHA-256 of the token text, lower-case hex
  profile      VARCHAR(32)   NOT NULL,
  common_name  VARCHAR(256)  NOT NULL,
  sans         VARCHAR(8000) NOT NULL,              -- "dns:a.example\nuri:spiffe://…", as in certificates
  created_at   BIGINT        NOT NULL,
  expires_at   BIGINT        NOT NULL,
  created_by   VARCHAR(256)  NOT NULL,
  used_at      BIGINT,
  used_serial  VARCHAR(42)
);
CREATE INDEX enrollment_tokens_expires_at ON enrollment_tokens (expires_at);
