-- Record-level access accounting (docs/audit.md, "Which run read which record"): for tables
-- tagged phi with a declared key column, the key values a session received, as keyed hashes
-- (HMAC-SHA-256 under the gateway's access key over connection, table and value, truncated to
-- 16 bytes; never the value). One row per statement and write batch, its hashes packed
-- back to back in `hashes`: appends stay sequential however many records a result holds, and
-- a lookup scans the packed hashes (`Store::who_accessed`).
CREATE TABLE record_access (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,        -- the statement that returned them
  time INTEGER NOT NULL,
  hashes BLOB NOT NULL         -- n × 16 bytes
);
CREATE INDEX record_access_time ON record_access (time);
