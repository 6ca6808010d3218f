-- padlock store, version 3: fewer B-trees written per issuance, a name index, a revocation journal.
--
-- Every issuance commit rewrites a page of each index it touches (H2 copies on write; PostgreSQL writes
-- WAL per index), so indexes no query uses go: the fingerprint's unique constraint (the serial's primary
-- key already keeps each certificate once, and nothing looks certificates up by fingerprint), the index
-- on common_name (names are searched in certificate_names now) and the index on status (CRLs are built
-- from revocations; listings walk certificates_issued_at).
ALTER TABLE certificates DROP CONSTRAINT certificates_fingerprint_unique;
DROP INDEX certificates_common_name;
DROP INDEX certificates_status;

-- Every name a certificate answers to, lower-cased: its CN and the value of each SAN (without the
-- "dns:" type). 'padlock list --name' finds certificates by exact name or by prefix with one index
-- range. Filled at issuance in the same transaction; existing rows are filled by V4.
CREATE TABLE certificate_names (
  name    VARCHAR(1024) ${text_order} NOT NULL,
  serial  VARCHAR(42)   NOT NULL,
  PRIMARY KEY (name, serial)
);

-- Revocations in commit order, narrow (no DER), for building CRLs. seq is the sequence of the
-- revocation's audit entry, written in the same transaction: audit sequences are taken one above the
-- last committed one, so a revocation committed later always has a higher seq, and a CRL publisher can
-- read just what was revoked since its previous CRL. Revocations from before this version get
-- sequences below 1.
CREATE TABLE revocations (
  seq         BIGINT       NOT NULL PRIMARY KEY,
  serial      VARCHAR(42)  NOT NULL,
  revoked_at  BIGINT       NOT NULL,
  reason      INTEGER      NOT NULL
);
INSERT INTO revocations (seq, serial, revoked_at, reason)
  SELECT 0 - ROW_NUMBER() OVER (ORDER BY serial), serial, revoked_at, revocation_reason
  FROM certificates WHERE status = 'revoked';

-- The sequence of the last revocation the stored CRL lists: a CRL below the last revocation's sequence
-- is not current, whatever its age (CRLs are published after the revocation commits, off the caller's
-- thread). NULL: unknown, as for the CRL stored before this version, so the first CRL asked for after
-- the upgrade is signed anew if anything was ever revoked.
ALTER TABLE crl ADD COLUMN revocations_through BIGINT;
