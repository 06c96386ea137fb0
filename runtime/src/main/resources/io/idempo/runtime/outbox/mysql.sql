-- Idempo transactional outbox for MySQL (8.0.1 or newer) and MariaDB (10.11 or newer), InnoDB.
-- JdbcOutbox.createTableIfMissing() runs this file, with idempo_outbox replaced by the configured
-- table name (index names too). Flyway or Liquibase users copy it into a migration instead (rename
-- the table and its indexes together if they use another name). See docs/outbox.md.
--
-- One row per message. Outbox.send() inserts it in the sender's transaction; OutboxRelay publishes
-- unsent rows in seq order, then sets sent_at. A failed publish counts an attempt, records the
-- error and delays the row (and the later rows of its destination and key) until next_attempt_at.
-- headers holds <length>:<name><length>:<value> pairs; an empty string means no headers.
--
-- MySQL has no UUID type: message_id is the UUID's text. Timestamps are DATETIME(6) in UTC (MySQL's
-- TIMESTAMP ends in 2038). destination and message_key are compared byte by byte (utf8mb4_bin,
-- the table's default), so keys that differ in case are different keys.
CREATE TABLE IF NOT EXISTS idempo_outbox (
    seq             BIGINT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id      CHAR(36)        CHARACTER SET ascii COLLATE ascii_bin NOT NULL UNIQUE,
    destination     VARCHAR(255)    NOT NULL,
    message_key     VARCHAR(255)    NOT NULL,
    payload         LONGBLOB        NOT NULL,
    headers         MEDIUMTEXT      NOT NULL,
    created_at      DATETIME(6)     NOT NULL,
    attempts        INTEGER         NOT NULL,
    next_attempt_at DATETIME(6)     NOT NULL,
    last_error      VARCHAR(1000),
    sent_at         DATETIME(6),
    -- Ordering per key: the earlier unsent rows of a key.
    INDEX idempo_outbox_key_idx (message_key, sent_at, seq),
    -- The purge of sent rows past their retention.
    INDEX idempo_outbox_sent_at_idx (sent_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
