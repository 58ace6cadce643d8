-- GIMS ledger, schema 1. Money columns are INTEGER counts of the currency's minor units
-- (see src/money.rs); quantities and unit prices that institutions report with arbitrary
-- precision are exact decimal TEXT. Dates are 'YYYY-MM-DD', timestamps RFC 3339 UTC.

CREATE TABLE connections (
    id               INTEGER PRIMARY KEY,
    institution_id   TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    memo             TEXT NOT NULL DEFAULT '',
    start_date       TEXT,
    status           TEXT NOT NULL DEFAULT 'ok',
    status_message   TEXT NOT NULL DEFAULT '',
    last_fetched_at  TEXT,
    last_attempt_at  TEXT,
    next_refresh_at  TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    -- NULL: a manual account kept by hand.
    connection_id    INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    -- The institution's own identifier of the account under its connection.
    external_id      TEXT,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('cash','bank','card','securities','pension','points','miles','emoney','crypto','loan','other')),
    currency         TEXT NOT NULL,
    -- Manual accounts: the balance before their first transaction.
    opening_balance  INTEGER NOT NULL DEFAULT 0,
    included         INTEGER NOT NULL DEFAULT 1 CHECK (included IN (0, 1)),
    closed_at        TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (connection_id, external_id)
);

CREATE TABLE refresh_runs (
    id               INTEGER PRIMARY KEY,
    connection_id    INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    outcome          TEXT,
    added            INTEGER NOT NULL DEFAULT 0,
    updated          INTEGER NOT NULL DEFAULT 0,
    message          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refresh_runs_by_connection ON refresh_runs (connection_id, started_at);

-- A linked account's balance over time: one row per refresh that saw it.
CREATE TABLE balance_snapshots (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    as_of            TEXT NOT NULL,
    balance          INTEGER NOT NULL,
    recorded_at      TEXT NOT NULL,
    run_id           INTEGER REFERENCES refresh_runs(id) ON DELETE SET NULL
);
CREATE INDEX balance_snapshots_by_account ON balance_snapshots (account_id, as_of);

CREATE TABLE categories (
    id               INTEGER PRIMARY KEY,
    -- NULL: a top-level category (大項目); otherwise a subcategory (中項目).
    parent_id        INTEGER REFERENCES categories(id),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('income','expense','uncategorised')),
    position         INTEGER NOT NULL,
    hidden           INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    builtin          INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);
CREATE UNIQUE INDEX categories_unique_name ON categories (coalesce(parent_id, 0), name);

CREATE TABLE transactions (
    id               INTEGER PRIMARY KEY,
    -- NULL: cash, a manual transaction with no account.
    account_id       INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    date             TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    description      TEXT NOT NULL,
    memo             TEXT NOT NULL DEFAULT '',
    category_id      INTEGER NOT NULL REFERENCES categories(id),
    transfer         INTEGER NOT NULL DEFAULT 0 CHECK (transfer IN (0, 1)),
    included         INTEGER NOT NULL DEFAULT 1 CHECK (included IN (0, 1)),
    -- An OR chain, not IN (…): SQLite builds a temporary table for every row checked against an
    -- IN list of three or more, which costs a third of the bulk insert rate.
    source           TEXT NOT NULL CHECK (source = 'manual' OR source = 'refresh' OR source = 'import'),
    -- The institution's or the file's own id of this row: the dedupe key per account.
    external_id      TEXT,
    run_id           INTEGER REFERENCES refresh_runs(id) ON DELETE SET NULL,
    -- When GIMS recorded the row, in Unix seconds: 5 bytes instead of 25 in the largest table.
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX transactions_external_id ON transactions (account_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX transactions_by_account_date ON transactions (account_id, date);
CREATE INDEX transactions_by_date ON transactions (date);

CREATE TABLE holdings (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    asset            TEXT NOT NULL,
    asset_code       TEXT,
    quantity         TEXT NOT NULL,
    price            TEXT,
    value            INTEGER,
    cost             INTEGER,
    currency         TEXT NOT NULL,
    as_of            TEXT NOT NULL,
    run_id           INTEGER REFERENCES refresh_runs(id) ON DELETE SET NULL
);
CREATE INDEX holdings_by_account ON holdings (account_id, as_of);

CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id         INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    connection_id    INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    account_id       INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    CHECK ((connection_id IS NULL) <> (account_id IS NULL))
);
CREATE UNIQUE INDEX group_members_unique ON group_members (group_id, coalesce(connection_id, 0), coalesce(account_id, 0));

CREATE TABLE rules (
    id               INTEGER PRIMARY KEY,
    position         INTEGER NOT NULL,
    match_text       TEXT,
    min_amount       INTEGER,
    max_amount       INTEGER,
    account_id       INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    connection_id    INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    set_category_id  INTEGER REFERENCES categories(id),
    set_transfer     INTEGER CHECK (set_transfer IN (0, 1)),
    set_included     INTEGER CHECK (set_included IN (0, 1)),
    created_at       TEXT NOT NULL
);

-- Every login GIMS made, so a user can match an institution's "a login occurred" e-mail.
CREATE TABLE access_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    connection_id    INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    institution_id   TEXT NOT NULL,
    host             TEXT NOT NULL,
    outcome          TEXT NOT NULL
);
CREATE INDEX access_log_by_time ON access_log (at);
