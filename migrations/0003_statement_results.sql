-- Statement outcomes become rows of their own (append-only) instead of updates of the event:
-- the audit writer then appends whole batches with one multi-row INSERT per table, and no
-- audit row is ever rewritten.
CREATE TABLE statement_results (
    session_id   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    time         INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    rows         INTEGER,
    duration_ms  INTEGER,
    detail       TEXT
);
CREATE INDEX statement_results_key ON statement_results(session_id, seq);
