-- Session recordings: one zstd file per session under <data_dir>/recordings (src/proto/recording.rs).
-- A row is written when the session starts recording and kept after retention deletes the file,
-- so `sessions show` can say what happened to it and the digest stays on record.
CREATE TABLE recordings (
  session_id TEXT PRIMARY KEY,
  file TEXT NOT NULL,                -- name under the recordings directory
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  -- recording | complete | truncated | incomplete (the gateway stopped mid-session) |
  -- failed (a write failed; the session was ended) | deleted (retention)
  state TEXT NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0,  -- on disk (compressed)
  stream_bytes INTEGER,              -- recorded before compression
  dropped_bytes INTEGER,             -- not recorded because of the size cap
  sha256 TEXT,                       -- of the file as written
  deleted_at INTEGER
);
CREATE INDEX recordings_started ON recordings (started_at);
