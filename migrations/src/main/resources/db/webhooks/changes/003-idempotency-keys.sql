--liquibase formatted sql

--changeset webhooks:003-idempotency-keys
-- Idempotency-Key on the webhooks API's POSTs: the same table as every other service's
-- (db/shared/001-outbox-inbox-idempotency.sql and 005-idempotency-claims.sql).
CREATE TABLE idempotency_keys (
  scope            text        NOT NULL,
  idempotency_key  text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash     text        NOT NULL,
  response_status  integer,
  response_body    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  claim_token      uuid,
  claimed_until    timestamptz,
  response_headers jsonb,
  PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
