--liquibase formatted sql

--changeset wallet:007-transactions
-- A transaction: N postings between wallets, all applied or none. This row is its coordinator's
-- durable record: wallet-api writes it PENDING before anything else happens; each debited wallet
-- then reserves its total debit with a HOLD in that wallet's own Kafka order; once every
-- reservation is decided, one PostgreSQL transaction (all the wallets locked in id order) either
-- captures them and applies every posting, or releases them, and makes this row final. postings:
-- [{"from", "to", "amountMinor", "asset", "precision"}] in the order given.
CREATE TABLE wallet_transactions (
  transaction_id   uuid        PRIMARY KEY,
  status           text        NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED')),
  failure_reason   text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'CREDIT_LIMIT_EXCEEDED',
                                                         'WALLET_NOT_FOUND', 'ASSET_MISMATCH', 'BALANCE_LIMIT',
                                                         'RESERVATION_LOST', 'PROCESSING_FAILED')),
  failed_wallet_id uuid,
  postings         jsonb       NOT NULL,
  metadata         jsonb,
  requested_by     text        NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 255),
  accepted_at      timestamptz NOT NULL,
  processed_at     timestamptz,
  CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
  CHECK ((status = 'PENDING') = (processed_at IS NULL))
);
CREATE INDEX wallet_transactions_pending ON wallet_transactions (accepted_at) WHERE status = 'PENDING';

--changeset wallet:007-operation-transaction
-- A posting is written as a TRANSFER row carrying its transaction, so that both wallets' histories
-- show it with the transaction id.
ALTER TABLE wallet_operations ADD COLUMN transaction_id uuid;
CREATE INDEX wallet_operations_transaction ON wallet_operations (transaction_id) WHERE transaction_id IS NOT NULL;

--changeset wallet:007-reversals
-- A reversal is a transaction of its own with every posting swapped, linked to the one it reverses;
-- at most one per transaction (its id is derived from the original's, and this is unique too).
ALTER TABLE wallet_transactions ADD COLUMN reverses uuid UNIQUE REFERENCES wallet_transactions (transaction_id);

--changeset wallet:007-settled-index
-- A coordinator that starts refreshes the cached balances of the transactions settled within the
-- cache's lifetime: these, newest first, without reading every transaction ever settled.
CREATE INDEX wallet_transactions_settled ON wallet_transactions (processed_at) WHERE status <> 'PENDING';
