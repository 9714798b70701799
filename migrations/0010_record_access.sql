-- Record-level access accounting (docs/audit.md, "Which run read which record"): for tables
-- tagged phi with a declared key column, each key value a session received, as a keyed hash
-- (HMAC-SHA-256 under the gateway's access key, truncated to 16 bytes, over connection, table
-- and value), with the first statement of the session that returned it. Never the value.
CREATE TABLE record_access (
  key_hash BLOB NOT NULL,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key_hash, session_id)
) WITHOUT ROWID;
