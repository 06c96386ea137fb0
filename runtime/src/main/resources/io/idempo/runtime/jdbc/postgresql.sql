-- Idempo idempotency records for PostgreSQL.
-- JdbcIdempotencyStore.createTableIfMissing() runs this file, with idempo_claims replaced by the
-- configured table name. Flyway or Liquibase users copy it into a migration instead (rename the
-- table and the index together if they use another name). See docs/runtime.md.
--
-- One row per (handler, key). status is IN_PROGRESS (a lease-mode claim whose handler is running)
-- or COMPLETED. expires_at is the end of the lease for IN_PROGRESS rows and the end of the ttl
-- for COMPLETED rows; a row past expires_at counts as absent. Keys longer than 255 characters are
-- stored as 'sha256:' followed by 64 hex digits.
--
-- fingerprint is the SHA-256 digest (32 bytes) of the payload of the delivery that wrote the row,
-- for handlers that name a payload fingerprint (@IdempotentHandler(fingerprint = ...)); null for
-- the others. A table created before this column existed keeps working for handlers without a
-- fingerprint; for the others add it with
--   ALTER TABLE idempo_claims ADD COLUMN fingerprint BYTEA;
-- (createTableIfMissing() does so). See docs/runtime.md, "Payload fingerprints".
--
-- status has no CHECK constraint: the store writes only IN_PROGRESS and COMPLETED, refuses a live
-- row with any other status when it reads one, and takes an expired one over. PostgreSQL builds
-- a CHECK constraint's expression again for every INSERT, which cost each claim about 17
-- microseconds of server CPU (docs/performance.md).
CREATE TABLE IF NOT EXISTS idempo_claims (
    handler_name    VARCHAR(255)             NOT NULL,
    idempotency_key VARCHAR(255)             NOT NULL,
    status          VARCHAR(11)              NOT NULL,
    result          BYTEA,
    claim_token     VARCHAR(36)              NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    fingerprint     BYTEA,
    PRIMARY KEY (handler_name, idempotency_key)
);

-- purgeExpired() deletes expired COMPLETED rows in batches by this index.
CREATE INDEX IF NOT EXISTS idempo_claims_expires_at_idx ON idempo_claims (expires_at);
