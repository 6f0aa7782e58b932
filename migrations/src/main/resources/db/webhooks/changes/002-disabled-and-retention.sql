--liquibase formatted sql

--changeset webhooks:002-disabled
-- A receiver that timed out WEBHOOKS_DISABLE_AFTER_TIMEOUTS attempts in a row is disabled (issue #30):
-- nothing more is made or sent for it until its owner creates it again, and a webhook.disabled
-- event goes to the owner's other webhooks that listen for it.
ALTER TABLE webhook_subscriptions
  ADD COLUMN disabled_at     timestamptz,
  ADD COLUMN disabled_reason text CHECK (length(disabled_reason) <= 300);

--changeset webhooks:002-retention
-- Finished deliveries older than WEBHOOKS_DELIVERY_RETENTION_DAYS are deleted, oldest first.
CREATE INDEX webhook_deliveries_finished_created ON webhook_deliveries (created_at) WHERE status <> 'PENDING';
