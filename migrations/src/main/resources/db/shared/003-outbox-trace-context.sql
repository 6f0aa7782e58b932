--liquibase formatted sql

--changeset shared:003-outbox-trace-context
-- The W3C traceparent of the request or message that wrote the row (NULL when tracing is off or
-- the writer had no sampled trace): the relay continues that trace when it publishes the row, so
-- one trace follows an order across the outbox (as Debezium's outbox carries tracingspancontext).
ALTER TABLE outbox ADD COLUMN traceparent text;
