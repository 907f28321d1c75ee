-- Submits a reviewer's answer under the item's row lock: one round trip. The answer was checked
-- against the template in TypeScript (app/modules/review/submit-annotation.server.ts); this
-- writes it, its history row, the assignment and the item's counter and status. A retry with the
-- same idempotency key returns the first result. See docs/decisions/0006-queue-claim.md.
--
-- After the lock, each statement takes a fresh snapshot (READ COMMITTED, VOLATILE PL/pgSQL), so
-- the room it counts sees every lease and answer committed before the lock. A gold item (status
-- 'gold') has no overlap and never changes status or its answer count: each reviewer answers it once.
-- An item wants the project's overlap plus the extra answers a manager asked of it (items.extra_answers).
CREATE OR REPLACE FUNCTION loupe_submit_annotation(
  p_item bigint,
  p_user uuid,
  p_values jsonb,
  p_template_version integer,
  p_key text,
  p_duration integer
) RETURNS TABLE (outcome text, annotation_id uuid, annotation_version integer, answer jsonb, answered_version integer)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  v_project uuid;
  v_count integer;
  v_overlap integer;
  v_existing record;
  v_others integer;
  v_own_live boolean;
  v_id uuid;
  v_version integer;
  v_gold boolean;
BEGIN
  SELECT i.project_id, i.submitted_count, p.overlap + i.extra_answers, i.status = 'gold' INTO v_project, v_count, v_overlap, v_gold
    FROM items i JOIN projects p ON p.id = i.project_id
   WHERE i.id = p_item
     FOR NO KEY UPDATE OF i;
  IF NOT FOUND THEN
    outcome := 'not_found'; RETURN NEXT; RETURN;
  END IF;

  -- After the lock: this statement sees every lease and answer committed before it.
  SELECT a.id, a.status, a.idempotency_key, a.version, a.values, a.template_version INTO v_existing
    FROM annotations a WHERE a.item_id = p_item AND a.user_id = p_user;
  IF FOUND AND v_existing.status = 'submitted' THEN
    IF v_existing.idempotency_key = p_key THEN
      -- A retry that waited on the lock above while the first attempt committed.
      outcome := 'replay'; annotation_id := v_existing.id; annotation_version := v_existing.version;
      answer := v_existing.values; answered_version := v_existing.template_version;
    ELSE
      outcome := 'answered';
    END IF;
    RETURN NEXT; RETURN;
  END IF;

  -- A live lease of one's own already reserved a place; otherwise there must be a free one.
  SELECT count(*) FILTER (WHERE o.user_id <> p_user AND o.state = 'leased' AND o.expires_at > now()),
         coalesce(bool_or(o.user_id = p_user AND o.state = 'leased' AND o.expires_at > now()), false)
    INTO v_others, v_own_live
    FROM assignments o WHERE o.item_id = p_item;
  IF NOT v_gold AND NOT v_own_live AND v_count + v_others >= v_overlap THEN
    outcome := 'full'; RETURN NEXT; RETURN;
  END IF;

  -- An upsert, because an autosave may have inserted the draft (drafts take no item lock).
  INSERT INTO annotations AS a (item_id, project_id, user_id, template_version, values, status,
                                idempotency_key, duration_ms, submitted_at, updated_at)
  VALUES (p_item, v_project, p_user, p_template_version, p_values, 'submitted', p_key, p_duration, now(), now())
  ON CONFLICT (item_id, user_id) DO UPDATE
     SET template_version = excluded.template_version, values = excluded.values, status = 'submitted',
         idempotency_key = excluded.idempotency_key, duration_ms = excluded.duration_ms,
         submitted_at = excluded.submitted_at, updated_at = excluded.updated_at, version = a.version + 1
   WHERE a.status = 'draft'
  RETURNING a.id, a.version INTO v_id, v_version;
  IF v_id IS NULL THEN
    outcome := 'answered'; RETURN NEXT; RETURN;
  END IF;

  INSERT INTO annotation_history (annotation_id, version, status, values, changed_by)
  VALUES (v_id, v_version, 'submitted', p_values, p_user);
  INSERT INTO assignments (item_id, project_id, user_id, state, expires_at)
  VALUES (p_item, v_project, p_user, 'submitted', now())
  ON CONFLICT (item_id, user_id) DO UPDATE SET state = 'submitted', updated_at = now();
  IF NOT v_gold THEN
    UPDATE items
       SET submitted_count = submitted_count + 1,
           status = CASE WHEN submitted_count + 1 >= v_overlap THEN 'done'::item_status ELSE 'open'::item_status END
     WHERE id = p_item;
  END IF;
  IF NOT v_gold AND v_count + 1 >= v_overlap THEN
    -- why: the item is finished, so leases that expired on it can never be used; left behind,
    -- every later claim of their reviewers would read them again looking for a lease to resume.
    DELETE FROM assignments o WHERE o.item_id = p_item AND o.state = 'leased' AND o.expires_at <= now();
  END IF;

  outcome := 'created'; annotation_id := v_id; annotation_version := v_version;
  answer := p_values; answered_version := p_template_version;
  RETURN NEXT;
END
$fn$;
