-- Keeps `resolution_stale` filled whatever the write path (the verbs, loupe_submit_annotation, a
-- CLI, a hand-run UPDATE): triggers on annotations call it (migration 0010_resolution_triggers);
-- app/modules/resolution/refresh-resolutions.server.ts recomputes what is marked and deletes the
-- marks. See docs/decisions/0008-resolutions.md ("Staleness and refresh").
--
-- why ON CONFLICT DO UPDATE and not DO NOTHING: the refresh deletes a mark in the transaction
-- that reads the item's answers. DO NOTHING against a committed mark takes no lock, so an answer
-- committed just after the refresh read would leave no mark behind. DO UPDATE locks the mark: a
-- refresh either skips it (SKIP LOCKED) or the writer waits for the refresh to commit its delete
-- and then inserts a fresh mark.
CREATE OR REPLACE FUNCTION loupe_mark_resolution_stale() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- why: when the item or its project is being deleted (the answers go by cascade, in an order
    -- the cascade picks), there is nothing left to resolve, and a mark would violate
    -- resolution_stale's foreign keys.
    INSERT INTO resolution_stale (item_id, project_id)
    SELECT OLD.item_id, OLD.project_id
    WHERE EXISTS (SELECT 1 FROM items WHERE id = OLD.item_id) AND EXISTS (SELECT 1 FROM projects WHERE id = OLD.project_id)
    ON CONFLICT (item_id) DO UPDATE SET marked_at = now();
  ELSE
    INSERT INTO resolution_stale (item_id, project_id) VALUES (NEW.item_id, NEW.project_id)
    ON CONFLICT (item_id) DO UPDATE SET marked_at = now();
    -- An answer moved to another item leaves its old item to re-resolve too.
    IF TG_OP = 'UPDATE' AND OLD.item_id IS DISTINCT FROM NEW.item_id THEN
      INSERT INTO resolution_stale (item_id, project_id) VALUES (OLD.item_id, OLD.project_id)
      ON CONFLICT (item_id) DO UPDATE SET marked_at = now();
    END IF;
  END IF;
  RETURN NULL;
END;
$fn$;
