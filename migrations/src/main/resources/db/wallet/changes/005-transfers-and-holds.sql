--liquibase formatted sql

--changeset wallet:005-held-and-initial-balance
-- held: the sum of the wallet's ACTIVE holds; available = balance - held. The worker asserts both
-- invariants before it commits; these checks are the last line behind it.
-- initial_balance_minor: what the wallet was created with, the answer of a balance at an instant
-- before its first operation.
ALTER TABLE wallets ADD COLUMN held_minor bigint NOT NULL DEFAULT 0 CHECK (held_minor >= 0);
ALTER TABLE wallets ADD CONSTRAINT wallets_held_within_balance CHECK (held_minor <= balance_minor);
ALTER TABLE wallets ADD COLUMN initial_balance_minor bigint NOT NULL DEFAULT 0 CHECK (initial_balance_minor >= 0);
UPDATE wallets w
   SET initial_balance_minor = w.balance_minor - coalesce((
         SELECT sum(CASE o.operation_type WHEN 'DEPOSIT' THEN o.amount_minor ELSE -o.amount_minor END)
           FROM wallet_operations o
          WHERE o.wallet_id = w.wallet_id AND o.status = 'COMPLETED'), 0);

--changeset wallet:005-operation-types
-- Four more types. A TRANSFER is one row: the source's view (wallet_id, balance_after_minor, ...)
-- and the destination's (to_wallet_id, to_balance_after_minor, ...), so both histories share its id
-- and its processed_at. A VOID carries no amount when submitted; its row records the amount it released.
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_operation_type_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_operation_type_check
  CHECK (operation_type IN ('DEPOSIT', 'WITHDRAW', 'TRANSFER', 'HOLD', 'CAPTURE', 'VOID'));
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_amount_minor_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_amount_minor_check
  CHECK (amount_minor > 0 OR (operation_type = 'VOID' AND amount_minor = 0));
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_failure_reason_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_failure_reason_check
  CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'WALLET_NOT_FOUND', 'BALANCE_LIMIT', 'PROCESSING_FAILED',
                            'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE', 'AMOUNT_EXCEEDS_HOLD'));
ALTER TABLE wallet_operations
  ADD COLUMN to_wallet_id           uuid,
  ADD COLUMN hold_id                uuid,
  ADD COLUMN expires_at             timestamptz,
  ADD COLUMN held_after_minor       bigint CHECK (held_after_minor >= 0),
  ADD COLUMN version_after          bigint CHECK (version_after >= 0),
  ADD COLUMN to_balance_after_minor bigint CHECK (to_balance_after_minor >= 0),
  ADD COLUMN to_held_after_minor    bigint CHECK (to_held_after_minor >= 0),
  ADD COLUMN to_version_after       bigint CHECK (to_version_after >= 0),
  ADD CONSTRAINT wallet_operations_transfer_destination CHECK ((operation_type = 'TRANSFER') = (to_wallet_id IS NOT NULL)),
  ADD CONSTRAINT wallet_operations_settles_hold CHECK ((operation_type IN ('CAPTURE', 'VOID')) = (hold_id IS NOT NULL));
ALTER TABLE wallet_operation_reuses DROP CONSTRAINT wallet_operation_reuses_operation_type_check;
ALTER TABLE wallet_operation_reuses ADD CONSTRAINT wallet_operation_reuses_operation_type_check
  CHECK (operation_type IN ('DEPOSIT', 'WITHDRAW', 'TRANSFER', 'HOLD', 'CAPTURE', 'VOID'));
ALTER TABLE wallet_operation_reuses DROP CONSTRAINT wallet_operation_reuses_amount_minor_check;
ALTER TABLE wallet_operation_reuses ADD CONSTRAINT wallet_operation_reuses_amount_minor_check
  CHECK (amount_minor > 0 OR (operation_type = 'VOID' AND amount_minor = 0));

--changeset wallet:005-state-after
-- The wallet's state right after each operation's turn (what a balance at an instant answers).
-- Before holds, held was 0 and each COMPLETED operation raised the version by one.
UPDATE wallet_operations o
   SET held_after_minor = 0, version_after = v.version_after
  FROM (SELECT id, count(*) FILTER (WHERE status = 'COMPLETED') OVER (PARTITION BY wallet_id ORDER BY id) AS version_after
          FROM wallet_operations) v
 WHERE o.id = v.id AND o.balance_after_minor IS NOT NULL;

--changeset wallet:005-history-indexes
-- Statements (?from=&to=), pages and the balance at an instant walk these backwards from a point in
-- time; a destination's credits have their own (partial) index. processed_at is taken once per batch
-- after its wallets are locked, so within one wallet it never goes back.
DROP INDEX wallet_operations_wallet_id_id;
CREATE INDEX wallet_operations_wallet_history ON wallet_operations (wallet_id, processed_at, id);
CREATE INDEX wallet_operations_credit_history ON wallet_operations (to_wallet_id, processed_at, id)
  WHERE to_balance_after_minor IS NOT NULL;

--changeset wallet:005-holds
-- One row per hold (its id is the HOLD operation's id). Only the worker writes it, under the lock of
-- the hold's wallet. The partial index on expires_at is what the expiry scan reads: ACTIVE holds only.
CREATE TABLE wallet_holds (
  hold_id      uuid        PRIMARY KEY,
  wallet_id    uuid        NOT NULL,
  amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
  status       text        NOT NULL CHECK (status IN ('ACTIVE', 'CAPTURED', 'VOIDED', 'EXPIRED')),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL,
  settled_at   timestamptz,
  settled_by   uuid,
  CHECK ((status = 'ACTIVE') = (settled_by IS NULL))
);
CREATE INDEX wallet_holds_active_expiry ON wallet_holds (expires_at) WHERE status = 'ACTIVE';
CREATE INDEX wallet_holds_active_wallet ON wallet_holds (wallet_id) WHERE status = 'ACTIVE';
