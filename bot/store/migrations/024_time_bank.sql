-- The volunteer time bank (issue 13 point 5): hours a helper recorded on a wish, and hours an account
-- holder paid for their own wish. One earning per (wish, helper), one payment per wish.
CREATE TABLE time_bank (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    person_id INTEGER NOT NULL REFERENCES people(id),   -- whose account
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'pay')),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    counterpart INTEGER REFERENCES people(id),          -- a payment: the helper it paid for
    recorded_at REAL NOT NULL,
    counted_at REAL,                                    -- NULL while an earning waits for the resident
    UNIQUE (ticket_id, kind, person_id)
);
CREATE INDEX time_bank_person ON time_bank(person_id);
CREATE INDEX time_bank_counted ON time_bank(counted_at) WHERE kind = 'earn' AND counted_at IS NOT NULL;
