-- Numbered 020 so that migrations other branches add meanwhile (008, 009 …) do not collide; each runs once.
-- Casework off the straight path (issue 11): outcome, returns, extensions, supervision, me too, merges, referrals.
ALTER TABLE tickets ADD COLUMN outcome TEXT;
ALTER TABLE tickets ADD COLUMN return_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN returned_by INTEGER;
ALTER TABLE tickets ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN extension_due REAL;
ALTER TABLE tickets ADD COLUMN supervision TEXT;
ALTER TABLE tickets ADD COLUMN support_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id);
ALTER TABLE tickets ADD COLUMN referred_to INTEGER;
ALTER TABLE tickets ADD COLUMN report_due REAL;
UPDATE tickets SET outcome = 'resolved' WHERE status IN ('closed', 'done');

CREATE TABLE ticket_supporters (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    user_id INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX tickets_supervised ON tickets(supervision) WHERE supervision IS NOT NULL;
