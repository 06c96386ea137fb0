-- Idempo transactional outbox for H2 (2.x).
-- JdbcOutbox.createTableIfMissing() runs this file, with idempo_outbox replaced by the configured
-- table name (index names too). Flyway or Liquibase users copy it into a migration instead (rename
-- the table and its indexes together if they use another name). See docs/outbox.md.
--
-- One row per message. Outbox.send() inserts it in the sender's transaction; OutboxRelay publishes
-- unsent rows in seq order, then sets sent_at. A failed publish counts an attempt, records the
-- error and delays the row (and the later rows of its destination and key) until next_attempt_at.
-- headers holds <length>:<name><length>:<value> pairs; an empty string means no headers.
CREATE TABLE IF NOT EXISTS idempo_outbox (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      UUID                     NOT NULL UNIQUE,
    destination     VARCHAR(255)             NOT NULL,
    message_key     VARCHAR(255)             NOT NULL,
    payload         VARBINARY                NOT NULL,
    headers         VARCHAR                  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error      VARCHAR(1000),
    sent_at         TIMESTAMP WITH TIME ZONE
);

-- Ordering per key: the earlier unsent rows of a key. (H2 has no partial indexes; the relay's
-- poll walks the primary key in seq order.)
CREATE INDEX IF NOT EXISTS idempo_outbox_key_idx ON idempo_outbox (message_key, sent_at, seq);

-- The purge of sent rows past their retention.
CREATE INDEX IF NOT EXISTS idempo_outbox_sent_at_idx ON idempo_outbox (sent_at);
