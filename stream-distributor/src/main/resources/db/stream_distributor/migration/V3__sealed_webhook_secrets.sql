-- Webhook secrets are stored sealed (AES-256-GCM, see SecretSeal); plain-text secrets written before this version are
-- sealed by the service at startup (SealPlainSecrets) and their plain copy cleared.
alter table stream add column dest_secret_sealed bytea;
