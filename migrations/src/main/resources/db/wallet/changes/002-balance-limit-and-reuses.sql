--liquibase formatted sql

--changeset wallet:002-balance-limit
-- A DEPOSIT that would take a balance past what bigint holds fails instead of stalling its wallet.
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_failure_reason_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_failure_reason_check
  CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'WALLET_NOT_FOUND', 'BALANCE_LIMIT'));

--changeset wallet:002-operation-id-reuses
-- An operationId is unique for ever. A record whose operationId was applied before with another
-- wallet, type or amount (a reuse accepted once Redis no longer remembered the id) is never
-- applied; it is recorded here so that its GET under the wallet it was submitted for answers
-- FAILED / OPERATION_ID_REUSED instead of the operation vanishing. A redelivery of the same record
-- (same partition and offset) is absorbed by the primary key.
CREATE TABLE wallet_operation_reuses (
  operation_id    uuid        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  wallet_id       uuid        NOT NULL,
  operation_type  text        NOT NULL CHECK (operation_type IN ('DEPOSIT', 'WITHDRAW')),
  amount_minor    bigint      NOT NULL CHECK (amount_minor > 0),
  accepted_at     timestamptz NOT NULL,
  detected_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (operation_id, kafka_partition, kafka_offset)
);
CREATE INDEX wallet_operation_reuses_operation_wallet ON wallet_operation_reuses (operation_id, wallet_id);
