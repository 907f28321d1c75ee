-- The claim walks the partial open-items indexes from the head of the queue. An item that
-- finishes leaves its old entry there until VACUUM removes it, so between vacuums every claim
-- steps over the items finished since the last one. By default autovacuum waits until 20% of
-- the table is dead (200,000 finished items in a 1M-item table; 100,000 measured ~6 ms per
-- claim query, against 0.3 ms after a vacuum). At 2% the walk stays near a millisecond.
-- See docs/decisions/0006-queue-claim.md.
ALTER TABLE "items" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
