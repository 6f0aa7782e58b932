--liquibase formatted sql

--changeset wallet:009-metadata
-- Metadata a client attaches to a wallet or an operation (at most 20 string members, written once,
-- never changed). NULL when none: a row without metadata costs nothing more, and the GIN index below
-- (partial) holds only rows that have some, so operations without metadata do not pay for it on insert.
-- jsonb_path_ops answers `metadata @> '{"key":"value"}'`, the only metadata question the API asks.
ALTER TABLE wallets ADD COLUMN metadata jsonb;
ALTER TABLE wallet_operations ADD COLUMN metadata jsonb;
CREATE INDEX wallet_operations_metadata ON wallet_operations USING gin (metadata jsonb_path_ops)
  WHERE metadata IS NOT NULL;
