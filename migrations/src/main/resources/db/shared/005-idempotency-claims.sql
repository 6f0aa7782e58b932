--liquibase formatted sql

--changeset shared:005-idempotency-claims
-- Idempotency-Key on every POST (IdempotencyKeys): a request claims its key with a token and a lease
-- before it runs; its answer (status, the headers a replay repeats, body) is stored under that token.
-- A claim whose lease ended with no answer (its process died) may be taken over by a retry.
ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid;
ALTER TABLE idempotency_keys ADD COLUMN claimed_until timestamptz;
ALTER TABLE idempotency_keys ADD COLUMN response_headers jsonb;
