-- Idempo idempotency records for MySQL (8.0 or newer) and MariaDB (10.11 or newer), InnoDB.
-- JdbcIdempotencyStore.createTableIfMissing() runs this file, with idempo_claims replaced by the
-- configured table name. Flyway or Liquibase users copy it into a migration instead (rename the
-- table and the index together if they use another name). See docs/runtime.md.
--
-- One row per (handler, key). status is IN_PROGRESS (a lease-mode claim whose handler is running)
-- or COMPLETED. expires_at is the end of the lease for IN_PROGRESS rows and the end of the ttl
-- for COMPLETED rows, in UTC; a row past expires_at counts as absent. Keys longer than 255
-- characters are stored as 'sha256:' followed by 64 hex digits.
--
-- fingerprint is the SHA-256 digest (32 bytes) of the payload of the delivery that wrote the row,
-- for handlers that name a payload fingerprint (@IdempotentHandler(fingerprint = ...)); null for
-- the others. A table created before this column existed keeps working for handlers without a
-- fingerprint; for the others add it with
--   ALTER TABLE idempo_claims ADD COLUMN fingerprint VARBINARY(32);
-- (createTableIfMissing() does so). See docs/runtime.md, "Payload fingerprints".
--
-- handler_name and idempotency_key are bytes (UTF-8), compared byte by byte: keys that differ in
-- case or in trailing spaces are different keys, as on H2 and PostgreSQL. (Text columns compare
-- by their collation: the default ones ignore case, and every PAD SPACE collation, utf8mb4_bin
-- included, ignores trailing spaces.) 1020 bytes hold 255 characters of UTF-8.
--
-- The timestamps are DATETIME(6) in UTC: MySQL's TIMESTAMP ends in 2038, and the store writes
-- far-future expiries as 9999-12-31. status has no CHECK constraint, as in postgresql.sql.
CREATE TABLE IF NOT EXISTS idempo_claims (
    handler_name    VARBINARY(1020) NOT NULL,
    idempotency_key VARBINARY(1020) NOT NULL,
    status          VARCHAR(11)     NOT NULL,
    result          LONGBLOB,
    claim_token     VARCHAR(36)     NOT NULL,
    expires_at      DATETIME(6)     NOT NULL,
    created_at      DATETIME(6)     NOT NULL,
    fingerprint     VARBINARY(32),
    PRIMARY KEY (handler_name, idempotency_key),
    -- purgeExpired() deletes expired COMPLETED rows in batches by this index.
    INDEX idempo_claims_expires_at_idx (expires_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
