CREATE TABLE grids (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT REFERENCES grids(code),
    level TEXT NOT NULL
);
CREATE INDEX grids_parent ON grids(parent);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    tg_user_id INTEGER UNIQUE,
    locale TEXT,
    invite_code TEXT NOT NULL UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE roles (
    person_id INTEGER NOT NULL REFERENCES people(id),
    grid TEXT NOT NULL REFERENCES grids(code),
    role TEXT NOT NULL,
    PRIMARY KEY (person_id, grid, role)
);
CREATE INDEX roles_grid ON roles(grid, role);

CREATE TABLE users (
    tg_user_id INTEGER PRIMARY KEY,
    first_name TEXT,
    locale TEXT,
    started INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    home_grid TEXT
);

CREATE TABLE groups (
    chat_id INTEGER PRIMARY KEY,
    grid TEXT REFERENCES grids(code),
    title TEXT,
    locale TEXT,
    member INTEGER NOT NULL DEFAULT 1,
    can_delete INTEGER NOT NULL DEFAULT 0,
    link_code TEXT NOT NULL UNIQUE,
    bound_by INTEGER,
    bound_at REAL
);
CREATE INDEX groups_grid ON groups(grid);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    grid TEXT NOT NULL REFERENCES grids(code),
    resident_id INTEGER NOT NULL,
    origin_chat_id INTEGER,
    text TEXT NOT NULL,
    photo_file_id TEXT,
    latitude REAL,
    longitude REAL,
    status TEXT NOT NULL,
    assignee_id INTEGER REFERENCES people(id),
    closed_by INTEGER REFERENCES people(id),
    close_note TEXT,
    close_photo TEXT,
    rating INTEGER,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    self_submitted INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    accepted_at REAL,
    closed_at REAL,
    done_at REAL,
    accept_due REAL,
    resolve_due REAL,
    confirm_due REAL,
    next_due REAL,
    card_chat_id INTEGER,
    card_message_id INTEGER
);
CREATE INDEX tickets_next_due ON tickets(next_due) WHERE next_due IS NOT NULL;
CREATE INDEX tickets_assignee ON tickets(assignee_id, status);
CREATE INDEX tickets_resident ON tickets(resident_id, created_at);
CREATE INDEX tickets_grid ON tickets(grid, status);

CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    at REAL NOT NULL,
    actor_user_id INTEGER,
    actor_person_id INTEGER,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    update_id INTEGER
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
CREATE INDEX ticket_events_action_at ON ticket_events(action, at);

CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at REAL NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    chat_id INTEGER NOT NULL,
    op TEXT NOT NULL,
    payload TEXT NOT NULL,
    ticket_id INTEGER,
    fallback_chat_id INTEGER,
    fallback_payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL,
    message_id INTEGER,
    error TEXT
);
CREATE INDEX outbox_pending ON outbox(not_before, id) WHERE status = 'pending';

CREATE TABLE drafts (
    user_id INTEGER PRIMARY KEY,
    step TEXT NOT NULL,
    kind TEXT,
    category TEXT,
    text TEXT,
    photo_file_id TEXT,
    latitude REAL,
    longitude REAL,
    grid TEXT,
    updated_at REAL NOT NULL
);

CREATE TABLE prompts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    ticket_id INTEGER,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX prompts_user ON prompts(user_id, created_at);
