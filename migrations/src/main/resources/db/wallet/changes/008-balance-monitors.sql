--liquibase formatted sql

--changeset wallet:008-balance-monitors
-- Balance monitors: the worker evaluates a wallet's monitors on every batch (and settlement) that
-- changes it, under the wallet's row lock; `monitors` counts them on the wallet row that batch locks
-- anyway, so a wallet without monitors costs the batch no query. `triggered` is whether the condition
-- held after the wallet's last change: the event fires when it turns true.
CREATE TABLE wallet_monitors (
  monitor_id  uuid        PRIMARY KEY,
  wallet_id   uuid        NOT NULL REFERENCES wallets (wallet_id),
  field       text        NOT NULL CHECK (field IN ('balance', 'available')),
  operator    text        NOT NULL CHECK (operator IN ('lt', 'lte', 'gt', 'gte')),
  value_minor bigint      NOT NULL,
  metadata    jsonb,
  triggered   boolean     NOT NULL,
  created_by  text        NOT NULL CHECK (length(created_by) BETWEEN 1 AND 255),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_monitors_wallet ON wallet_monitors (wallet_id, created_at);
ALTER TABLE wallets ADD COLUMN monitors integer NOT NULL DEFAULT 0 CHECK (monitors BETWEEN 0 AND 20);
