-- hoopctl gateway store, version 1. Times are unix milliseconds (UTC).

-- OAuth device authorization requests (RFC 8628). Codes are stored hashed.
CREATE TABLE device_codes (
    device_code_hash TEXT PRIMARY KEY,
    user_code        TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL,            -- pending | approved | denied | consumed
    identity         TEXT,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    interval_ms      INTEGER NOT NULL,
    last_poll_at     INTEGER
);

-- Access and refresh tokens, stored as SHA-256 of the token. A refresh token's family lets the
-- gateway revoke every descendant when an old refresh token is replayed.
CREATE TABLE tokens (
    token_hash   TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,                -- access | refresh
    identity     TEXT NOT NULL,
    family       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,                      -- refresh tokens: when rotated
    revoked_at   INTEGER
);
CREATE INDEX tokens_family ON tokens(family);
CREATE INDEX tokens_identity ON tokens(identity);

CREATE TABLE grants (
    id               TEXT PRIMARY KEY,
    identity         TEXT NOT NULL,
    connection       TEXT NOT NULL,
    reason           TEXT NOT NULL,
    status           TEXT NOT NULL,            -- pending | active | denied | revoked | expired
    duration_ms      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    activated_at     INTEGER,
    expires_at       INTEGER,
    decided_by       TEXT,
    decision_reason  TEXT
);
CREATE INDEX grants_identity ON grants(identity, connection);

-- Append-only audit log. Statement events are inserted (and committed) before the statement is
-- forwarded; their outcome, rows and duration are filled in when the target answers.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    time         INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    identity     TEXT,
    grant_id     TEXT,
    connection   TEXT,
    session_id   TEXT,
    statement    TEXT,
    outcome      TEXT,
    rows         INTEGER,
    duration_ms  INTEGER,
    detail       TEXT
);
CREATE INDEX audit_time ON audit_events(time);
CREATE INDEX audit_session ON audit_events(session_id);
