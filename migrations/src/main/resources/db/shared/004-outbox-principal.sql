--liquibase formatted sql

--changeset shared:004-outbox-principal
-- The principal a platform event is for (its webhook subscriptions are that principal's); the relay
-- sends it as the `principal` header. NULL on every internal event.
ALTER TABLE outbox ADD COLUMN principal text CHECK (length(principal) BETWEEN 1 AND 255);
