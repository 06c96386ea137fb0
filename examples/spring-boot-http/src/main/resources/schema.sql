-- The example's table, for H2 and PostgreSQL alike (spring.sql.init runs this at startup).
CREATE TABLE IF NOT EXISTS payment (
    id           VARCHAR(36) NOT NULL PRIMARY KEY,
    customer     VARCHAR(64) NOT NULL,
    amount_cents BIGINT      NOT NULL,
    currency     VARCHAR(3)  NOT NULL
);
