-- Rates that value another currency in yen, each saying where it came from: a rate the user typed
-- (with the date it is for), an exchange's own ticker at a refresh, or an institution's own figure.
-- Net worth and asset history value a dollar or coin account at the latest rate on or before the
-- day; an account with no such rate is listed apart, never added 1:1.
CREATE TABLE rates (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL CHECK (currency <> 'JPY'),
    -- Yen for one unit of `currency`, an exact decimal string.
    rate TEXT NOT NULL,
    as_of TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('user', 'exchange', 'institution')),
    -- The institution whose ticker or figure it is (its catalog id); NULL for a typed rate.
    source_detail TEXT,
    recorded_at TEXT NOT NULL,
    UNIQUE (currency, as_of, source)
);
CREATE INDEX rates_by_currency ON rates (currency, as_of);
