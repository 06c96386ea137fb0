CREATE TABLE IF NOT EXISTS http_payment (
    id       VARCHAR(64) NOT NULL PRIMARY KEY,
    customer VARCHAR(64) NOT NULL,
    amount   BIGINT      NOT NULL
);
