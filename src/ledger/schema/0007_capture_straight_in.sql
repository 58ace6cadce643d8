-- A statement caught in a connection's institution window is previewed before it is saved,
-- unless the user chose, for that connection, to have it saved straight in.
ALTER TABLE connections ADD COLUMN capture_straight_in INTEGER NOT NULL DEFAULT 0
    CHECK (capture_straight_in = 0 OR capture_straight_in = 1);
