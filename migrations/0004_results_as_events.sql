-- Statement outcomes become `result` events in audit_events itself: every audit batch is then
-- one INSERT, committed on its own (one round trip to SQLite's thread and one fsync), and the
-- log is a single append-only sequence. Outcomes recorded so far move over in their order.
INSERT INTO audit_events (time, kind, session_id, seq, outcome, rows, duration_ms, detail)
    SELECT time, 'result', session_id, seq, outcome, rows, duration_ms, detail
    FROM statement_results ORDER BY rowid;
DROP TABLE statement_results;
-- audit_session is a prefix of audit_session_seq: one index less to update per event.
DROP INDEX audit_session;
