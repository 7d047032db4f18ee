-- Weekly call-back review (回访审核, issue 13 point 2): each sampled ticket once, ever (the primary key),
-- with the big-grid leader who calls, the worker and grid it judges, and the answer.
CREATE TABLE callbacks (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    week TEXT NOT NULL,
    leader_id INTEGER NOT NULL REFERENCES people(id),
    worker_id INTEGER REFERENCES people(id),
    grid TEXT NOT NULL,
    sent_at REAL NOT NULL,
    result TEXT,
    answered_at REAL
);
CREATE INDEX callbacks_answered ON callbacks(answered_at) WHERE answered_at IS NOT NULL;
-- A phone number the resident gave the bot themselves (/phone or their shared contact), for call-backs.
ALTER TABLE users ADD COLUMN phone TEXT;
