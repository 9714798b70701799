-- The tamper-evident chain: each event's hash covers its predecessor's hash and its own
-- contents (src/proto/chain.rs). Events are written unchained and chained right after, in id
-- order, by the gateway (one writer of the chain even when other processes append events);
-- checkpoints sign the chain's head with the gateway's Ed25519 key.
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  event_hash TEXT NOT NULL,
  time INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_event ON audit_checkpoints (event_id);
