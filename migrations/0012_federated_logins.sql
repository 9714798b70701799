-- Sign-ins through an identity provider that issued a refresh token: at each refresh of that
-- gateway login, the gateway asks the provider again, so a person disabled or moved between
-- groups there is followed. The provider's refresh token is stored sealed (AES-256-GCM under
-- idp-token-key in the data directory), never in the clear. A device code carries it from the
-- provider's answer to the login it becomes.
ALTER TABLE device_codes ADD COLUMN idp_provider TEXT;
ALTER TABLE device_codes ADD COLUMN idp_refresh BLOB;
CREATE TABLE federated_logins (
  family         TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  provider       TEXT NOT NULL,
  refresh_sealed BLOB NOT NULL,
  updated_at     INTEGER NOT NULL
);
