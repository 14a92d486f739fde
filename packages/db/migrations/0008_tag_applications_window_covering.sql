-- R2/R3 over years of history (issue 19): a report's cost must follow its window, not the
-- table. The team-and-time index now carries the two columns the stats aggregate reads
-- (tag_id, customer_id), so `tagReports.stats` is an index-only scan of the window's entries
-- instead of a heap visit per application; the heap pages of a window are spread over the
-- whole table when applications of many days interleave. Same key, so the records export's
-- order and keyset resumption are unchanged. Rebuilding it takes a while on a large table
-- (≈ 25 s for 10M applications on the bench machine) and blocks writes to tag_applications
-- meanwhile; an operator who built it beforehand with CREATE INDEX CONCURRENTLY (docs/deploy.md,
-- "Upgrading") finds this migration a no-op: it rebuilds only an index without the columns.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_indexes
    WHERE schemaname = current_schema() AND indexname = 'tag_applications_team_applied_idx'
      AND indexdef LIKE '%(team_id, applied_at, id) INCLUDE (tag_id, customer_id)'
  ) THEN
    DROP INDEX IF EXISTS "tag_applications_team_applied_idx";
    CREATE INDEX "tag_applications_team_applied_idx" ON "tag_applications" USING btree ("team_id", "applied_at", "id") INCLUDE ("tag_id", "customer_id");
  END IF;
END
$$;
