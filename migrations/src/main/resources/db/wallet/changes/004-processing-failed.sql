--liquibase formatted sql

--changeset wallet:004-processing-failed
-- An operation the worker could never apply (a data error after bounded attempts) ends FAILED with
-- PROCESSING_FAILED instead of staying PENDING for ever; nothing moved, so no balance after it.
ALTER TABLE wallet_operations DROP CONSTRAINT wallet_operations_failure_reason_check;
ALTER TABLE wallet_operations ADD CONSTRAINT wallet_operations_failure_reason_check
  CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'WALLET_NOT_FOUND', 'BALANCE_LIMIT', 'PROCESSING_FAILED'));
