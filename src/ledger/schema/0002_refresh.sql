-- Schema 2: what refreshes bring beyond balances and transactions.

-- Points or e-money that expire, as the institution last reported them (replaced at each refresh).
CREATE TABLE expiries (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    expires_on       TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    as_of            TEXT NOT NULL
);
CREATE INDEX expiries_by_account ON expiries (account_id, expires_on);

-- One balance per account per day: a second refresh on the same day replaces the first.
CREATE UNIQUE INDEX balance_snapshots_one_per_day ON balance_snapshots (account_id, as_of);
DROP INDEX balance_snapshots_by_account;

-- The action that fixes the status (refresh_now, edit_login, relink, open_site, retry_later…)
-- and, for open_site, where.
ALTER TABLE connections ADD COLUMN status_action TEXT NOT NULL DEFAULT 'none';
ALTER TABLE connections ADD COLUMN status_url TEXT;
