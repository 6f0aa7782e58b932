--liquibase formatted sql

--changeset shared:002-quarantine
-- Records that could never be applied and that the dead-letter topic would not take either (a
-- topic that does not exist or refuses the producer, a record too large for it). The consumer
-- moves on only once the record is here, so nothing is lost; an operator lists and replays them
-- with QuarantineMain. One row per source record: a redelivery is absorbed by the key.
CREATE TABLE quarantined_records (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic           text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  record_key      text,
  record_value    bytea,
  headers         jsonb       NOT NULL DEFAULT '[]',
  error_class     text        NOT NULL,
  error           text        NOT NULL,
  consumer        text        NOT NULL,
  quarantined_at  timestamptz NOT NULL DEFAULT now(),
  replayed_at     timestamptz,
  UNIQUE (topic, kafka_partition, kafka_offset)
);
CREATE INDEX quarantined_records_not_replayed ON quarantined_records (id) WHERE replayed_at IS NULL;
