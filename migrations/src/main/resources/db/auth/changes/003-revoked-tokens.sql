--liquibase formatted sql

--changeset auth:003-revoked-tokens
-- Single tokens revoked by their jti (an admin's: the configured admin client cannot be revoked as a
-- client). Listed until expires_at, past which the token could not be valid anyway.
CREATE TABLE oauth_revoked_tokens (
  jti        text        PRIMARY KEY CHECK (length(jti) BETWEEN 1 AND 255),
  revoked_by text        NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX oauth_revoked_tokens_expiry ON oauth_revoked_tokens (expires_at);
