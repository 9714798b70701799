-- People who sign in through an [[auth.oidc]] identity provider. The identity name is bound to
-- the provider's (issuer, subject) at the first sign-in, so a person who later changes their
-- email or username at the provider cannot take over someone else's name. The groups are those
-- of the latest sign-in, vouched for until valid_until (unix ms); after that the identity has
-- no groups here and must sign in again.
CREATE TABLE federated_identities (
  name         TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  issuer       TEXT NOT NULL,
  subject      TEXT NOT NULL,
  email        TEXT,
  groups       TEXT NOT NULL,
  signed_in_at INTEGER NOT NULL,
  valid_until  INTEGER NOT NULL,
  UNIQUE (issuer, subject)
);
