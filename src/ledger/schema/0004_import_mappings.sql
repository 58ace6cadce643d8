-- GIMS ledger, schema 4: the column mapping a user gave for a generic CSV, remembered per
-- account so the next file from the same institution imports with `--format generic` alone.

CREATE TABLE import_mappings (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    -- As `gims import --map` takes it, normalised: 'date=1,description=2,amount=3'.
    mapping          TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
