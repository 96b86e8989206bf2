-- Price history is kept at full resolution (one row per market poll) for a day, then in
-- 5-minute rows for a week, then hourly, 90 days in all (`store::history::compact`).
-- `span_secs`: how much time one row sums up (0: a single poll).
ALTER TABLE price_history ADD COLUMN span_secs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX price_history_at ON price_history (polled_at);
