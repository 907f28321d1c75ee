-- Deletes a deleted dataset's lines and frozen item chunks (also when datasets go by cascade with
-- their project). The trigger datasets_delete_lines (migration 0016_dataset_builds) calls it once per
-- statement with the deleted rows as `gone`. why: dataset_lines has no foreign key to datasets —
-- a per-row check doubled the cost of a snapshot's writes (docs/decisions/0010-dataset-snapshots.md).
CREATE OR REPLACE FUNCTION loupe_delete_dataset_lines() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM dataset_lines WHERE dataset_id IN (SELECT id FROM gone);
  DELETE FROM dataset_item_chunks WHERE dataset_id IN (SELECT id FROM gone);
  RETURN NULL;
END
$fn$;
