--liquibase formatted sql

--changeset wallet:003-wallet-owners
-- A wallet belongs to the principal (token sub) that created it. Wallets from before authentication
-- have no owner: only an admin reaches them.
ALTER TABLE wallets ADD COLUMN owner_id text CHECK (length(owner_id) BETWEEN 1 AND 255);
CREATE INDEX wallets_owner_id ON wallets (owner_id);

--changeset wallet:003-operation-requesters
ALTER TABLE wallet_operations ADD COLUMN requested_by text CHECK (length(requested_by) BETWEEN 1 AND 255);
ALTER TABLE wallet_operation_reuses ADD COLUMN requested_by text CHECK (length(requested_by) BETWEEN 1 AND 255);
