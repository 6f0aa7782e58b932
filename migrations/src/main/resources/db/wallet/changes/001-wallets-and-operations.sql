--liquibase formatted sql

--changeset wallet:001-wallets
CREATE TABLE wallets (
  wallet_id     uuid        PRIMARY KEY,
  balance_minor bigint      NOT NULL CHECK (balance_minor >= 0),
  version       bigint      NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

--changeset wallet:001-wallet-operations
-- One row per applied operation, written by operation-worker. operation_id is unique across all
-- wallets: it is what makes a redelivered or resubmitted operation a no-op.
-- id orders operations as they were applied (the Kafka order of their partition).
CREATE TABLE wallet_operations (
  id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operation_id        uuid        NOT NULL UNIQUE,
  wallet_id           uuid        NOT NULL,
  operation_type      text        NOT NULL CHECK (operation_type IN ('DEPOSIT', 'WITHDRAW')),
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  status              text        NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  failure_reason      text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'WALLET_NOT_FOUND')),
  balance_after_minor bigint      CHECK (balance_after_minor >= 0),
  accepted_at         timestamptz NOT NULL,
  processed_at        timestamptz NOT NULL,
  kafka_partition     integer     NOT NULL,
  kafka_offset        bigint      NOT NULL,
  CHECK ((status = 'COMPLETED') = (failure_reason IS NULL))
);
CREATE INDEX wallet_operations_wallet_id_id ON wallet_operations (wallet_id, id DESC);
