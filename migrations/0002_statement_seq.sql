-- Statement events get a per-session sequence number, so their outcome can be recorded by
-- (session_id, seq) without waiting for the row id of the insert (asynchronous audit mode).
ALTER TABLE audit_events ADD COLUMN seq INTEGER;
CREATE INDEX audit_session_seq ON audit_events(session_id, seq);
