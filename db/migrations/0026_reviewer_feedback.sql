-- Keeps a reviewer's free-text answers in the researchers' inbox, whatever the write path (submit,
-- edit, a CLI, a hand-run UPDATE): one `feedback` row (source 'reviewer') per submitted annotation
-- and non-blank answer to a question of kind "text" in the template version the annotation used.
-- An edit updates the row, a blanked answer deletes it, an annotation that stops being submitted
-- loses its rows, and a deleted annotation takes its rows with it (foreign key, on delete cascade).
-- `user_id` stays null: redaction and pseudonymous ids are for end users; the inbox names the
-- reviewer through the annotation. `model` is the item's model when its outputs name exactly one.
CREATE OR REPLACE FUNCTION loupe_reviewer_feedback() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status <> 'submitted' THEN
    DELETE FROM feedback WHERE annotation_id = NEW.id;
    RETURN NULL;
  END IF;

  DELETE FROM feedback f
   WHERE f.annotation_id = NEW.id
     AND NOT EXISTS (
       SELECT 1 FROM review_templates t, jsonb_array_elements(t.questions) q
        WHERE t.project_id = NEW.project_id AND t.version = NEW.template_version
          AND q->>'kind' = 'text' AND q->>'key' = f.question_key
          AND jsonb_typeof(NEW.values -> f.question_key) = 'string'
          AND NEW.values ->> f.question_key ~ '\S');

  INSERT INTO feedback AS f (project_id, source, item_id, annotation_id, question_key, comment, model, occurred_at)
  SELECT NEW.project_id, 'reviewer', NEW.item_id, NEW.id, q->>'key', NEW.values ->> (q->>'key'),
         (SELECT CASE WHEN count(DISTINCT o->>'model') = 1 THEN min(o->>'model') END
            FROM items i, jsonb_array_elements(i.outputs) o WHERE i.id = NEW.item_id),
         coalesce(NEW.submitted_at, now())
    FROM review_templates t, jsonb_array_elements(t.questions) q
   WHERE t.project_id = NEW.project_id AND t.version = NEW.template_version
     AND q->>'kind' = 'text'
     AND jsonb_typeof(NEW.values -> (q->>'key')) = 'string'
     AND NEW.values ->> (q->>'key') ~ '\S'
  ON CONFLICT (annotation_id, question_key) WHERE annotation_id IS NOT NULL DO UPDATE
     SET comment = excluded.comment, item_id = excluded.item_id, model = excluded.model, occurred_at = excluded.occurred_at
   WHERE f.comment IS DISTINCT FROM excluded.comment OR f.item_id IS DISTINCT FROM excluded.item_id
      OR f.model IS DISTINCT FROM excluded.model OR f.occurred_at IS DISTINCT FROM excluded.occurred_at;
  RETURN NULL;
END;
$fn$;
--> statement-breakpoint
-- Drafts (autosaved every few seconds) never reach the inbox.
CREATE TRIGGER annotations_reviewer_feedback_insert AFTER INSERT ON annotations
FOR EACH ROW WHEN (NEW.status = 'submitted') EXECUTE FUNCTION loupe_reviewer_feedback();
--> statement-breakpoint
CREATE TRIGGER annotations_reviewer_feedback_update AFTER UPDATE ON annotations
FOR EACH ROW WHEN ((OLD.status = 'submitted' OR NEW.status = 'submitted')
                   AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.values IS DISTINCT FROM NEW.values
                        OR OLD.item_id IS DISTINCT FROM NEW.item_id OR OLD.template_version IS DISTINCT FROM NEW.template_version
                        OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at))
EXECUTE FUNCTION loupe_reviewer_feedback();
--> statement-breakpoint
-- Answers submitted before this migration: the same rows the trigger writes.
INSERT INTO feedback (project_id, source, item_id, annotation_id, question_key, comment, model, occurred_at)
SELECT a.project_id, 'reviewer', a.item_id, a.id, q->>'key', a.values ->> (q->>'key'),
       (SELECT CASE WHEN count(DISTINCT o->>'model') = 1 THEN min(o->>'model') END
          FROM items i, jsonb_array_elements(i.outputs) o WHERE i.id = a.item_id),
       coalesce(a.submitted_at, a.updated_at)
  FROM annotations a
  JOIN review_templates t ON t.project_id = a.project_id AND t.version = a.template_version
  CROSS JOIN LATERAL jsonb_array_elements(t.questions) q
 WHERE a.status = 'submitted'
   AND q->>'kind' = 'text'
   AND jsonb_typeof(a.values -> (q->>'key')) = 'string'
   AND a.values ->> (q->>'key') ~ '\S'
ON CONFLICT (annotation_id, question_key) WHERE annotation_id IS NOT NULL DO NOTHING;
