--liquibase formatted sql

--changeset payments:005-metadata
-- Metadata a client attaches to an account when it opens it (at most 20 string members, written once).
ALTER TABLE accounts ADD COLUMN metadata jsonb;
