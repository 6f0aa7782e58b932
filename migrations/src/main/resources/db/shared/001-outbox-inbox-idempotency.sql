--liquibase formatted sql

--changeset shared:001-outbox
-- Debezium's outbox shape. Rows are written in the business transaction and published by the relay.
CREATE TABLE outbox (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id       uuid        NOT NULL UNIQUE,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  topic          text        NOT NULL,
  event_type     text        NOT NULL,
  payload        text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

--changeset shared:001-outbox-notify splitStatements:false
-- Wakes the relay when a transaction that wrote outbox rows commits (NOTIFY is delivered at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

--changeset shared:001-inbox
CREATE TABLE inbox (
  event_id    uuid        PRIMARY KEY,
  topic       text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

--changeset shared:001-idempotency-keys
CREATE TABLE idempotency_keys (
  scope           text        NOT NULL,
  idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash    text        NOT NULL,
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
