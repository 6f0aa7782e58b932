--liquibase formatted sql

--changeset orders:005-metadata
-- Metadata a client attaches to an order (at most 20 string members, written once). The GIN index is
-- partial: orders without metadata are not in it. Orders are listed per user, newest first, by
-- (user_id, id): the filters on status, amount and time ride on that walk; a metadata filter may use
-- either index.
ALTER TABLE orders ADD COLUMN metadata jsonb;
CREATE INDEX orders_metadata ON orders USING gin (metadata jsonb_path_ops) WHERE metadata IS NOT NULL;
