-- Reviews: a human decision on something policy allows only once approved — a held statement
-- (bound to its session and its exact text) or a pending grant. One conditional UPDATE moves a
-- review out of `pending`, so it is decided once; the decision is also an audit event.
CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('statement', 'grant')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
  requester TEXT NOT NULL,
  connection TEXT NOT NULL,
  grant_id TEXT,
  session_id TEXT,
  statement TEXT,
  statement_sha256 TEXT,
  needs TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_by TEXT,
  decided_at INTEGER,
  decision_reason TEXT
);
CREATE INDEX reviews_status ON reviews (status, created_at);
CREATE INDEX reviews_grant ON reviews (grant_id);
