-- The quantity a holding's price is quoted for: 1 (a share, a coin) or 10000 (a fund's 基準価額,
-- quoted per 1万口). `price` stays the price of one unit (quantity × price = value); this says how
-- the institution showed it, so that 資産 shows ¥24,500 / 1万口 rather than ¥2.45.
ALTER TABLE holdings ADD COLUMN price_per INTEGER NOT NULL DEFAULT 1 CHECK (price_per >= 1);
