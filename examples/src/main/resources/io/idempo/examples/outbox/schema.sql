-- The outbox example's tables, for H2 2.x and PostgreSQL. OutboxExampleSchema.create() runs this
-- file. The outbox table itself comes from JdbcOutbox.createTableIfMissing().

-- The payments service: one row per booked capture.
CREATE TABLE IF NOT EXISTS payment_capture (
    payment_id   VARCHAR(36) NOT NULL,
    account_id   VARCHAR(64) NOT NULL,
    amount_cents BIGINT      NOT NULL
);

-- The loyalty service: one row per award. No unique constraint, on purpose: the consumer's dedup
-- record is what keeps a redelivered event from awarding twice.
CREATE TABLE IF NOT EXISTS loyalty_award (
    message_id VARCHAR(36) NOT NULL,
    payment_id VARCHAR(36) NOT NULL,
    account_id VARCHAR(64) NOT NULL,
    points     BIGINT      NOT NULL
);
