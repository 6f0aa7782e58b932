--liquibase formatted sql

--changeset payments:003-transaction-requesters
-- Who asked for each balance change (token sub): the depositor, or the principal that placed the paid order.
ALTER TABLE account_transactions ADD COLUMN requested_by text CHECK (length(requested_by) BETWEEN 1 AND 255);
