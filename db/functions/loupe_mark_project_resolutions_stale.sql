-- A new overlap changes which items have their wanted answers; a new template version changes the
-- questions consensus is taken over. Either makes every item of the project stale (the trigger
-- projects_mark_resolutions_stale, migration 0010_resolution_triggers, calls this).
CREATE OR REPLACE FUNCTION loupe_mark_project_resolutions_stale() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO resolution_stale_projects (project_id) VALUES (NEW.id)
  ON CONFLICT (project_id) DO UPDATE
    SET after_item = 0, marked_at = now();
  RETURN NULL;
END;
$fn$;
