CREATE TABLE IF NOT EXISTS ledger (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    payment_id   VARCHAR(64) NOT NULL,
    amount_cents BIGINT      NOT NULL,
    source       VARCHAR(8)  NOT NULL
) ENGINE = InnoDB;
CREATE TABLE IF NOT EXISTS settlement (
    payment_id VARCHAR(64) NOT NULL
) ENGINE = InnoDB;
