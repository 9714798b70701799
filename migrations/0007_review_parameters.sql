-- A held Execute's Bind parameter values (a JSON array of literals as a reviewer reads them):
-- what a reviewer approves is the statement together with the values it runs with.
ALTER TABLE reviews ADD COLUMN parameters TEXT;
