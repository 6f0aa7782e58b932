--liquibase formatted sql

--changeset orders:001-orders
CREATE TABLE orders (
  id             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  order_id       uuid        PRIMARY KEY,
  user_id        uuid        NOT NULL,
  amount_minor   bigint      NOT NULL CHECK (amount_minor > 0 AND amount_minor <= 100000000000),
  description    text        NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  status         text        NOT NULL CHECK (status IN ('NEW', 'FINISHED', 'FAILED')),
  failure_reason text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
);
CREATE INDEX orders_user_id_id ON orders (user_id, id DESC);
