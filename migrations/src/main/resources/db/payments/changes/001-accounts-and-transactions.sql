--liquibase formatted sql

--changeset payments:001-accounts
CREATE TABLE accounts (
  user_id       uuid        PRIMARY KEY,
  balance_minor bigint      NOT NULL CHECK (balance_minor >= 0),
  version       bigint      NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

--changeset payments:001-account-transactions
-- Every balance change. order_id is unique: an order is paid at most once, whatever is redelivered.
CREATE TABLE account_transactions (
  id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id      uuid        NOT NULL UNIQUE,
  user_id             uuid        NOT NULL REFERENCES accounts (user_id),
  type                text        NOT NULL CHECK (type IN ('DEPOSIT', 'PAYMENT')),
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  order_id            uuid        UNIQUE,
  balance_after_minor bigint      NOT NULL CHECK (balance_after_minor >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'PAYMENT') = (order_id IS NOT NULL))
);
CREATE INDEX account_transactions_user_id_id ON account_transactions (user_id, id DESC);
