--liquibase formatted sql

--changeset wallet:006-assets
-- What a wallet holds. precision is the number of fractional digits of one unit (USD 2, JPY 0,
-- BTC 8): amounts are stored as integers of 10^-precision units. At most 8, so that the largest
-- amount (1,000,000,000 units) stays far inside a bigint. An asset is only ever added: a precision
-- never changes, or every stored amount of its wallets would change its meaning.
CREATE TABLE assets (
  code       text        PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{2,16}$'),
  precision  smallint    NOT NULL CHECK (precision BETWEEN 0 AND 8),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO assets (code, precision) VALUES
  ('USD', 2), ('EUR', 2), ('GBP', 2), ('CHF', 2), ('JPY', 0), ('KWD', 3), ('BTC', 8);

--changeset wallet:006-wallet-asset-and-credit-limit
-- Every wallet that exists now held the one implicit currency, USD with two decimals, and a row
-- inserted without an asset (an operator's script) still does. A wallet's asset is chosen at
-- creation and never changes.
-- credit_limit_minor: how far below zero the balance may go, holds included:
-- balance - held >= -credit_limit. The worker asserts it before it commits; these checks are the
-- last line behind it.
ALTER TABLE wallets ADD COLUMN asset text NOT NULL DEFAULT 'USD' REFERENCES assets (code);
ALTER TABLE wallets ADD COLUMN credit_limit_minor bigint NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0);
ALTER TABLE wallets DROP CONSTRAINT wallets_balance_minor_check;
ALTER TABLE wallets DROP CONSTRAINT wallets_held_within_balance;
ALTER TABLE wallets ADD CONSTRAINT wallets_within_credit_limit CHECK (balance_minor - held_minor >= -credit_limit_minor);
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_balance_after_minor_check;
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_to_balance_after_minor_check;

--changeset wallet:006-asset-mismatch
-- A TRANSFER between wallets of two assets moves nothing. A wallet with a credit limit that an
-- operation would take past it fails with CREDIT_LIMIT_EXCEEDED (without one, INSUFFICIENT_FUNDS).
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_failure_reason_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_failure_reason_check
  CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'WALLET_NOT_FOUND', 'BALANCE_LIMIT', 'PROCESSING_FAILED',
                            'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE', 'AMOUNT_EXCEEDS_HOLD', 'ASSET_MISMATCH',
                            'CREDIT_LIMIT_EXCEEDED'));
