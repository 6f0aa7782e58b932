--liquibase formatted sql

--changeset auth:001-clients
-- A registered client of the development issuer. The secret is kept only as HMAC-SHA-256 under
-- the issuer's hashing key (in its key directory): a copy of this table alone grants nothing.
CREATE TABLE oauth_clients (
  client_id uuid PRIMARY KEY,
  name text CHECK (length(name) BETWEEN 1 AND 100),
  secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
-- The revocation list (clients revoked while their tokens may still be alive) without a scan.
CREATE INDEX oauth_clients_revoked ON oauth_clients (revoked_at) WHERE revoked_at IS NOT NULL;
