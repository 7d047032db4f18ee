-- Deadlines: the progress of each ticket's reminder and escalation plan (bot/domain/deadlines.py).
-- Stored on the ticket row so the step and the notices it causes are written in one transaction:
-- each reminder and escalation goes out exactly once, across restarts too.
ALTER TABLE tickets ADD COLUMN alert_for TEXT;      -- which deadline the plan is about, e.g. open:accept@1715000000
ALTER TABLE tickets ADD COLUMN alert_step INTEGER NOT NULL DEFAULT 0;  -- steps of that plan done
ALTER TABLE tickets ADD COLUMN alert_at REAL;       -- when the next step is due (epoch seconds)

-- Unfinished tickets written before this migration have no plan: make them due now, so the
-- first sweep plans their reminders (next_due then becomes the real next moment).
UPDATE tickets SET next_due = created_at WHERE status IN ('open', 'accepted') AND next_due IS NOT NULL;
