-- Scheduled posts: which period each post covered, per chat, so a restart or a re-run posts nothing twice.
CREATE TABLE posts (
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (kind, period, chat_id)
);

-- Reports look up a ticket's first accept / first confirm: (ticket_id, action, id) finds it in one probe.
CREATE INDEX ticket_events_ticket_action ON ticket_events(ticket_id, action, id);
-- Tallies scan one action over a time range and need the ticket: cover it so the range scan is index-only.
CREATE INDEX ticket_events_action_at_ticket ON ticket_events(action, at, ticket_id);
