-- PostgreSQL checks this constraint at commit, so two settlements of one payment fail the commit.
ALTER TABLE settlement DROP CONSTRAINT IF EXISTS settlement_once;
ALTER TABLE settlement ADD CONSTRAINT settlement_once UNIQUE (payment_id) DEFERRABLE INITIALLY DEFERRED;
