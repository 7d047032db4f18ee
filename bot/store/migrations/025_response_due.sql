-- The first accept deadline of a ticket (casework, issue 11), kept after acceptance: the response rate
-- counts a ticket on time against the deadline it really had (a working-time tier's deadline skips nights,
-- weekends and holidays), not against submission + the tier's nominal length. Older tickets keep NULL and
-- are counted as before (bot/store/reports.py).
ALTER TABLE tickets ADD COLUMN response_due REAL;
CREATE INDEX tickets_response_due ON tickets(response_due) WHERE response_due IS NOT NULL;
