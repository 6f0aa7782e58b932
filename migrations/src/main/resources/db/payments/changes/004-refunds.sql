--liquibase formatted sql

--changeset payments:004-refunds
-- A REFUND credits back an order's PAYMENT. An order has at most one of each: the unique
-- (order_id, type) is what makes a refund request applied twice impossible.
ALTER TABLE account_transactions DROP CONSTRAINT account_transactions_type_check;
ALTER TABLE account_transactions ADD CONSTRAINT account_transactions_type_check
  CHECK (type IN ('DEPOSIT', 'PAYMENT', 'REFUND'));
ALTER TABLE account_transactions DROP CONSTRAINT account_transactions_check;
ALTER TABLE account_transactions ADD CONSTRAINT account_transactions_order_for_payments_and_refunds
  CHECK ((type IN ('PAYMENT', 'REFUND')) = (order_id IS NOT NULL));
ALTER TABLE account_transactions DROP CONSTRAINT account_transactions_order_id_key;
CREATE UNIQUE INDEX account_transactions_order_id_type ON account_transactions (order_id, type);
