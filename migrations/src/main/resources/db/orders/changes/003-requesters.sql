--liquibase formatted sql

--changeset orders:003-order-requesters
-- Who placed each order (token sub); the payment request carries it to payments.
ALTER TABLE orders ADD COLUMN requested_by text CHECK (length(requested_by) BETWEEN 1 AND 255);
