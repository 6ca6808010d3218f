-- padlock store, version 1. Portable SQL for H2 and PostgreSQL; binary types come from placeholders.
-- Times are seconds since the epoch (X.509 time has one-second resolution).

CREATE TABLE certificates (
  serial            VARCHAR(42)   NOT NULL PRIMARY KEY,  -- upper-case hex, even length
  subject           VARCHAR(1024) NOT NULL,
  common_name       VARCHAR(256)  NOT NULL,
  sans              VARCHAR(8000) NOT NULL,              -- "dns:a.example\nip:10.0.0.1"
  profile           VARCHAR(32)   NOT NULL,
  key_type          VARCHAR(16)   NOT NULL,
  not_before        BIGINT        NOT NULL,
  not_after         BIGINT        NOT NULL,
  issued_at         BIGINT        NOT NULL,
  fingerprint       CHAR(64)      NOT NULL,              -- SHA-256 of the DER, lower-case hex
  der               ${binary}     NOT NULL,
  requester         VARCHAR(256)  NOT NULL,
  status            VARCHAR(8)    NOT NULL,              -- 'valid' or 'revoked'; expiry is derived
  revoked_at        BIGINT,
  revocation_reason INTEGER,
  CONSTRAINT certificates_fingerprint_unique UNIQUE (fingerprint),
  CONSTRAINT certificates_status_check CHECK (status IN ('valid', 'revoked'))
);
CREATE INDEX certificates_issued_at ON certificates (issued_at);
CREATE INDEX certificates_not_after ON certificates (not_after);
CREATE INDEX certificates_status ON certificates (status);
CREATE INDEX certificates_common_name ON certificates (common_name);

-- The latest CRL of the issuing CA (one row). Its number only ever grows.
CREATE TABLE crl (
  id          INTEGER       NOT NULL PRIMARY KEY,
  crl_number  NUMERIC(40)   NOT NULL,
  this_update BIGINT        NOT NULL,
  next_update BIGINT        NOT NULL,
  der         ${blob}       NOT NULL,
  CONSTRAINT crl_single_row CHECK (id = 1)
);

-- Hash-chained audit log: hash = SHA-256(prev_hash, seq, at, action, serial, actor, detail).
CREATE TABLE audit_log (
  seq        BIGINT        NOT NULL PRIMARY KEY,
  at         BIGINT        NOT NULL,
  action     VARCHAR(32)   NOT NULL,
  serial     VARCHAR(42)   NOT NULL,
  actor      VARCHAR(256)  NOT NULL,
  detail     VARCHAR(4000) NOT NULL,
  prev_hash  CHAR(64)      NOT NULL,
  hash       CHAR(64)      NOT NULL
);
