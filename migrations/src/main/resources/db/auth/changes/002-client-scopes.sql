--liquibase formatted sql

--changeset auth:002-client-scopes
-- Scopes an admin granted a client beyond the user scopes (wallets, payments, orders): funding
-- (creating money: deposits, top-ups, non-zero initial balances) and metrics (scraping /metrics).
ALTER TABLE oauth_clients ADD COLUMN granted_scopes text[] NOT NULL DEFAULT '{}'
  CHECK (granted_scopes <@ ARRAY['funding', 'metrics']::text[]);
