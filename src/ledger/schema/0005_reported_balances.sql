-- A balance exactly as the institution wrote it, when that differs from how GIMS would print
-- `balance` (`10.24` BTC rather than `10.24000000`), or when it has more decimal places than its
-- currency (an exchange's yen balance of 3000.8401): `balance` then holds it rounded
-- half-to-even, for totals. What users see is this text.
ALTER TABLE balance_snapshots ADD COLUMN reported TEXT;
