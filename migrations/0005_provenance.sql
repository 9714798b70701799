-- Workload provenance (issuer, repository, run, commit… as JSON): carried from the token a CI
-- job exchanged to the grants it requests; events without a grant (workload logins) carry it
-- themselves. Listing joins the grant, so every event of a session shows where it came from.
ALTER TABLE tokens ADD COLUMN provenance TEXT;
ALTER TABLE grants ADD COLUMN provenance TEXT;
ALTER TABLE audit_events ADD COLUMN provenance TEXT;
