-- What the user chose for a connection refreshed in the institution window:
-- a caught statement is previewed before it is saved, unless they chose to have it saved straight in;
-- and the page where they downloaded the statement by hand, recorded when they said "next time from
-- here" (an address on the institution's hosts; a path under the sandbox for a sandbox bank), which
-- replaces the catalog's steps to the download.
ALTER TABLE connections ADD COLUMN capture_straight_in INTEGER NOT NULL DEFAULT 0
    CHECK (capture_straight_in = 0 OR capture_straight_in = 1);
ALTER TABLE connections ADD COLUMN download_page TEXT;
