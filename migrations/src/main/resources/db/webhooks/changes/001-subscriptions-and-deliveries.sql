--liquibase formatted sql

--changeset webhooks:001-subscriptions
-- A principal's endpoint and the event types it wants. The secret signs every delivery (Standard
-- Webhooks); it is shown once, at creation. A deleted subscription keeps its row (its deliveries
-- stay readable to nobody, and nothing more is sent to it).
CREATE TABLE webhook_subscriptions (
  webhook_id  uuid        PRIMARY KEY,
  principal   text        NOT NULL CHECK (length(principal) BETWEEN 1 AND 255),
  url         text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  event_types text[]      NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 20),
  secret      text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE INDEX webhook_subscriptions_principal ON webhook_subscriptions (principal) WHERE deleted_at IS NULL;

--changeset webhooks:001-subscriptions-notify splitStatements:false
-- Every process that records events keeps the set of (principal, event type) that someone listens
-- to; a change wakes them at commit.
CREATE FUNCTION webhook_subscriptions_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('webhook_subscriptions', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_subscriptions_changed AFTER INSERT OR UPDATE OR DELETE ON webhook_subscriptions
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_subscriptions_notify();

--changeset webhooks:001-deliveries
-- One row per (subscription, event): the dispatcher consumes platform.events at least once, the
-- unique key makes each event one delivery however often it is read. The body is the exact bytes
-- signed and sent on every attempt.
CREATE TABLE webhook_deliveries (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id      uuid        NOT NULL UNIQUE,
  webhook_id       uuid        NOT NULL REFERENCES webhook_subscriptions (webhook_id),
  event_id         uuid        NOT NULL,
  event_type       text        NOT NULL,
  body             text        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts         integer     NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error       text,
  next_attempt_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);

--changeset webhooks:001-deliveries-notify splitStatements:false
-- Wakes the dispatchers when a transaction that made deliveries due commits (NOTIFY is delivered at
-- commit, once per transaction and channel).
CREATE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted) THEN
    PERFORM pg_notify('webhook_deliveries', '');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries_inserted AFTER INSERT ON webhook_deliveries
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_notify();
