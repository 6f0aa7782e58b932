--liquibase formatted sql

--changeset payments:002-payment-decisions
-- What payments decided for each order, once: SUCCEEDED (debited), FAILED for lack of funds or of
-- an account, or FAILED / PAYMENT_TIMEOUT when orders-api gave up on the order and payments agreed
-- never to debit it. A repeated request or cancellation for the order is answered with this row,
-- so a re-driven request can never debit an order that was already failed, nor debit twice.
CREATE TABLE payment_decisions (
  order_id       uuid        PRIMARY KEY,
  user_id        uuid        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
  failure_reason text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'PAYMENT_TIMEOUT')),
  decided_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
);
-- Orders paid before this table existed have a PAYMENT transaction and no decision: a SUCCEEDED one.
INSERT INTO payment_decisions (order_id, user_id, status, decided_at)
SELECT order_id, user_id, 'SUCCEEDED', created_at FROM account_transactions WHERE type = 'PAYMENT';
