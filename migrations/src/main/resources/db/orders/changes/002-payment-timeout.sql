--liquibase formatted sql

--changeset orders:002-payment-timeout
-- No order stays NEW for ever: the reconciler sends the payment request again past a bound and,
-- past the timeout, asks payments to agree never to debit it; the order then fails PAYMENT_TIMEOUT.
ALTER TABLE orders DROP CONSTRAINT orders_failure_reason_check;
ALTER TABLE orders ADD CONSTRAINT orders_failure_reason_check
  CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'PAYMENT_TIMEOUT'));
ALTER TABLE orders ADD COLUMN payment_requests integer NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN payment_requested_at timestamptz;
UPDATE orders SET payment_requested_at = created_at;
ALTER TABLE orders ALTER COLUMN payment_requested_at SET NOT NULL;
ALTER TABLE orders ALTER COLUMN payment_requested_at SET DEFAULT now();
CREATE INDEX orders_new_by_request ON orders (payment_requested_at) WHERE status = 'NEW';
