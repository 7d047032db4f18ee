-- The daily work log (工作日志, issue 13 point 1): a gridworker's line and photo of the day's work,
-- optionally about a ticket they closed; read by the small-group leader's daily digest.
CREATE TABLE work_logs (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    grid TEXT NOT NULL,
    at REAL NOT NULL,
    text TEXT NOT NULL,
    photo_file_id TEXT,  -- Telegram's file_id of the largest size sent
    ticket_id INTEGER REFERENCES tickets(id),
    media_group_id TEXT  -- the album the photo came in: its other photos join this entry
);
CREATE INDEX work_logs_by_grid ON work_logs(grid, at);
CREATE INDEX work_logs_by_person ON work_logs(person_id, at);
CREATE INDEX work_logs_by_album ON work_logs(media_group_id) WHERE media_group_id IS NOT NULL;
-- The other photos of an entry sent as an album (Telegram captions only the album's first photo).
CREATE TABLE work_log_photos (
    log_id INTEGER NOT NULL REFERENCES work_logs(id),
    file_id TEXT NOT NULL,
    PRIMARY KEY (log_id, file_id)
);
-- When the work log began: nobody is named idle before it has run for `idle_days` days.
INSERT OR IGNORE INTO bot_facts (key, value, at)
VALUES ('work_log_since', 'migration 021', CAST(strftime('%s', 'now') AS REAL));
