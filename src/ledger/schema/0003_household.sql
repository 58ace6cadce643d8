-- Schema 3: the household ledger. Hiding, transfer marks, budgets, and per-account per-month
-- totals kept up to date by triggers in the same transaction as every insert, edit and delete,
-- so reports over ten years read a few thousand aggregate rows instead of every transaction.

-- Hidden connections and accounts leave the default group (every total, report and listing that
-- is not asked for a group) but keep all their data.
ALTER TABLE connections ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE accounts ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));

-- A confirmed transfer (振替) between the user's own accounts: both rows are marked
-- `transfer = 1`. `in_tx` is NULL for a one-sided transfer (the other account is not linked).
-- Undo deletes the mark and clears the flag on its rows.
CREATE TABLE transfer_marks (
    id               INTEGER PRIMARY KEY,
    out_tx           INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
    in_tx            INTEGER REFERENCES transactions(id) ON DELETE CASCADE,
    reason           TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX transfer_marks_out ON transfer_marks (out_tx);
CREATE UNIQUE INDEX transfer_marks_in ON transfer_marks (in_tx) WHERE in_tx IS NOT NULL;

-- A suggested pair the user said is not a transfer: never suggested again.
CREATE TABLE transfer_dismissals (
    out_tx           INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
    in_tx            INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
    PRIMARY KEY (out_tx, in_tx)
) WITHOUT ROWID;

-- A monthly budget per category, in yen. `month` '' is every month; 'YYYY-MM' overrides it.
CREATE TABLE budgets (
    category_id      INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    month            TEXT NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (category_id, month)
) WITHOUT ROWID;

-- Sums of transactions per account (0: cash without an account), month, currency, category and
-- whether they count in totals (included and not a transfer).
CREATE TABLE month_totals (
    account_id       INTEGER NOT NULL,
    month            TEXT NOT NULL,
    currency         TEXT NOT NULL,
    category_id      INTEGER NOT NULL,
    counted          INTEGER NOT NULL,
    money_in         INTEGER NOT NULL,
    money_out        INTEGER NOT NULL,
    rows             INTEGER NOT NULL,
    PRIMARY KEY (month, account_id, currency, category_id, counted)
) WITHOUT ROWID;

INSERT INTO month_totals
SELECT coalesce(account_id, 0), substr(date, 1, 7), currency, category_id, included = 1 AND transfer = 0,
       sum(max(amount, 0)), sum(min(amount, 0)), count(*)
FROM transactions
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER month_totals_on_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO month_totals (account_id, month, currency, category_id, counted, money_in, money_out, rows)
    VALUES (coalesce(NEW.account_id, 0), substr(NEW.date, 1, 7), NEW.currency, NEW.category_id,
            NEW.included = 1 AND NEW.transfer = 0, max(NEW.amount, 0), min(NEW.amount, 0), 1)
    ON CONFLICT DO UPDATE SET money_in = money_in + excluded.money_in,
                              money_out = money_out + excluded.money_out,
                              rows = rows + 1;
END;

CREATE TRIGGER month_totals_on_delete AFTER DELETE ON transactions BEGIN
    UPDATE month_totals
    SET money_in = money_in - max(OLD.amount, 0), money_out = money_out - min(OLD.amount, 0), rows = rows - 1
    WHERE month = substr(OLD.date, 1, 7) AND account_id = coalesce(OLD.account_id, 0) AND currency = OLD.currency
      AND category_id = OLD.category_id AND counted = (OLD.included = 1 AND OLD.transfer = 0);
END;

CREATE TRIGGER month_totals_on_update
AFTER UPDATE OF account_id, date, amount, currency, category_id, transfer, included ON transactions BEGIN
    UPDATE month_totals
    SET money_in = money_in - max(OLD.amount, 0), money_out = money_out - min(OLD.amount, 0), rows = rows - 1
    WHERE month = substr(OLD.date, 1, 7) AND account_id = coalesce(OLD.account_id, 0) AND currency = OLD.currency
      AND category_id = OLD.category_id AND counted = (OLD.included = 1 AND OLD.transfer = 0);
    INSERT INTO month_totals (account_id, month, currency, category_id, counted, money_in, money_out, rows)
    VALUES (coalesce(NEW.account_id, 0), substr(NEW.date, 1, 7), NEW.currency, NEW.category_id,
            NEW.included = 1 AND NEW.transfer = 0, max(NEW.amount, 0), min(NEW.amount, 0), 1)
    ON CONFLICT DO UPDATE SET money_in = money_in + excluded.money_in,
                              money_out = money_out + excluded.money_out,
                              rows = rows + 1;
END;

-- A deleted account takes its totals with it (its transactions go by cascade first).
CREATE TRIGGER month_totals_on_account_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM month_totals WHERE account_id = OLD.id;
END;
