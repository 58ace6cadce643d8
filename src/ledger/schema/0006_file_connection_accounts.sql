-- A file connection's accounts (an institution linked by its statement files) belong to their
-- connection — listed under it, deleted with it — yet no institution reports their balance:
-- like a manual account's, it is the opening balance plus the account's transactions.
-- Set by the import for the accounts it creates or adopts under a file connection.
ALTER TABLE accounts ADD COLUMN balance_from_transactions INTEGER NOT NULL DEFAULT 0
    CHECK (balance_from_transactions = 0 OR balance_from_transactions = 1);
