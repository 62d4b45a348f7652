-- Org signing keys are sealed at rest (common's SecretSeal: AES-256-GCM, the org bound as associated data).
-- SQL cannot seal (the key is the service's), so plain rows stay in `secret` until the service seals them at
-- startup (OrgKeys.sealPlainRows) and clears `secret`. A row holds exactly one of the two.
alter table org_key add column sealed bytea;
alter table org_key alter column secret drop not null;
alter table org_key drop constraint if exists org_key_secret_check;
alter table org_key add constraint org_key_plain_or_sealed check ((secret is null) <> (sealed is null));
alter table org_key add constraint org_key_plain_length check (secret is null or length(secret) >= 32);
