--liquibase formatted sql

--changeset orders:004-refunds
-- A FINISHED order can be refunded once: refund_requested_at is set when the refund is asked for
-- (in the transaction that puts the refund request in the outbox), and the order moves to REFUNDED
-- when payments answers that it credited the account. refund_sent_at is when the request last went
-- out: the reconciler sends it again past a bound, so a refund is never left waiting for ever.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('NEW', 'FINISHED', 'FAILED', 'REFUNDED'));
ALTER TABLE orders ADD COLUMN refund_requested_at timestamptz;
ALTER TABLE orders ADD COLUMN refund_sent_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_refund_of_finished
  CHECK (refund_requested_at IS NULL OR status IN ('FINISHED', 'REFUNDED'));
ALTER TABLE orders ADD CONSTRAINT orders_refunded_was_requested
  CHECK (status <> 'REFUNDED' OR refund_requested_at IS NOT NULL);
CREATE INDEX orders_refunds_pending ON orders (refund_sent_at)
  WHERE status = 'FINISHED' AND refund_requested_at IS NOT NULL;
