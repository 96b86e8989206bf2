-- The spread of free prices at each poll: the 10th and 90th percentile of the free servers'
-- on-demand USD prices, the band `/history` shades. Rows recorded before have none (NULL),
-- and their charts simply show no band there.
ALTER TABLE price_history ADD COLUMN p10_price DOUBLE PRECISION, ADD COLUMN p90_price DOUBLE PRECISION;
