-- Grid colours (蓝黄红, issue 13): each grid's colour for a month and the figures behind it, written in the
-- monthly post's transaction, so that "red two months running" compares with what was posted the month before.
CREATE TABLE grid_colours (
    grid TEXT NOT NULL,
    month TEXT NOT NULL,
    colour TEXT NOT NULL CHECK (colour IN ('blue', 'yellow', 'red')),
    on_time INTEGER NOT NULL,
    due INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    evaluated INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    rated INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    marks INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (month, grid)
);
