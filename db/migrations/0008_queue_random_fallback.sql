-- loupe_claim_item again, for 0007_item_keys: in random order the claim walks
-- items_queue_random_idx, which now holds only items with a random key, and falls back to the
-- priority index for items written without one (a project switching order while an import runs).
-- Everything else is as in 0004_queue_functions.
CREATE OR REPLACE FUNCTION loupe_claim_item(
  p_project uuid,
  p_user uuid,
  p_is_admin boolean,
  p_view_roles text[],
  p_claim_roles text[],
  p_skip bigint[]
) RETURNS TABLE (outcome text, lease_id uuid, claimed_item bigint, lease_expires timestamptz, resumed boolean, skip bigint[])
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  v_overlap integer;
  v_minutes integer;
  v_order item_order;
  v_role text;
  v_own record;
  v_room boolean;
  v_candidate bigint;
  v_lease uuid;
  v_expires timestamptz;
  v_skip bigint[] := coalesce(p_skip, '{}');
  -- why: waiting for a row lock while holding another could deadlock with a claimer doing the
  -- reverse; once this call holds a lock, it hands back 'retry' instead of waiting.
  v_holds_lock boolean := false;
BEGIN
  -- why: a lease is a reservation, not data: if a crash loses the last few milliseconds of them,
  -- those items just go back to the queue (a reviewer whose lease vanished is told at submit
  -- time). So the claim's commit does not wait for its WAL to reach the disk; answers do.
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT p.overlap, p.lease_minutes, p.item_order, m.role::text
    INTO v_overlap, v_minutes, v_order, v_role
    FROM projects p
    LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = p_user
   WHERE p.id = p_project;
  IF NOT FOUND OR NOT (p_is_admin OR coalesce(v_role = ANY (p_view_roles), false)) THEN
    outcome := 'not_found'; RETURN NEXT; RETURN;
  END IF;
  IF NOT (p_is_admin OR coalesce(v_role = ANY (p_claim_roles), false)) THEN
    outcome := 'forbidden'; RETURN NEXT; RETURN;
  END IF;

  -- A reviewer's own unfinished lease comes back first (a reload or a second tab resumes it).
  -- A retry (p_skip given) has looked already.
  IF cardinality(v_skip) = 0 THEN
    SELECT a.id, a.item_id, a.expires_at > now() AS live INTO v_own
      FROM assignments a
      JOIN items i ON i.id = a.item_id AND i.status = 'open'
     WHERE a.user_id = p_user AND a.project_id = p_project AND a.state = 'leased'
     ORDER BY a.expires_at DESC
     LIMIT 1;
    IF FOUND THEN
      v_room := v_own.live;
      IF NOT v_room THEN
        -- An expired lease is resumed only while the item still has room, so a reviewer back
        -- from lunch keeps their draft unless others finished the item meanwhile.
        PERFORM 1 FROM items i WHERE i.id = v_own.item_id FOR NO KEY UPDATE;
        v_holds_lock := true;
        SELECT i.status = 'open' AND i.submitted_count + (
                 SELECT count(*) FROM assignments o
                  WHERE o.item_id = i.id AND o.id <> v_own.id AND o.state = 'leased' AND o.expires_at > now()
               ) < v_overlap
          INTO v_room
          FROM items i WHERE i.id = v_own.item_id;
      END IF;
      IF v_room THEN
        UPDATE assignments a SET expires_at = now() + make_interval(mins => v_minutes), updated_at = now()
         WHERE a.id = v_own.id
        RETURNING a.expires_at INTO v_expires;
        outcome := 'claimed'; lease_id := v_own.id; claimed_item := v_own.item_id;
        lease_expires := v_expires; resumed := true;
        RETURN NEXT; RETURN;
      END IF;
    END IF;
  END IF;

  LOOP
    -- SKIP LOCKED first, so claimers spread over different items. The scan walks a partial
    -- open-items index in exactly this order (items_queue_priority_idx / items_queue_random_idx),
    -- so finished items are not read at all; claim-plan.server.test.ts holds it to that.
    v_candidate := NULL;
    IF v_order = 'random' THEN
      SELECT i.id INTO v_candidate FROM items i
       WHERE i.project_id = p_project AND i.status = 'open' AND i.random_key IS NOT NULL AND i.id <> ALL (v_skip)
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
         AND i.submitted_count + (
               SELECT count(*) FROM assignments a
                WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
             ) < v_overlap
       ORDER BY i.random_key, i.id
       LIMIT 1
       FOR NO KEY UPDATE OF i SKIP LOCKED;
    END IF;
    -- why: in random order, an item written while the project switched may have no key yet;
    -- the priority index finds it, so "nothing left" is never said while something is left.
    IF v_candidate IS NULL THEN
      SELECT i.id INTO v_candidate FROM items i
       WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
         AND i.submitted_count + (
               SELECT count(*) FROM assignments a
                WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
             ) < v_overlap
       ORDER BY i.priority DESC NULLS LAST, i.id
       LIMIT 1
       FOR NO KEY UPDATE OF i SKIP LOCKED;
    END IF;

    IF v_candidate IS NULL THEN
      -- Only when that finds nothing, wait for the items other claimers hold: they may still
      -- have room, and "nothing left" must never be said while something is left.
      IF v_holds_lock THEN
        outcome := 'retry'; skip := v_skip; RETURN NEXT; RETURN;
      END IF;
      IF v_order = 'random' THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.random_key IS NOT NULL AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap
         ORDER BY i.random_key, i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i;
      END IF;
      IF v_candidate IS NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap
         ORDER BY i.priority DESC NULLS LAST, i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i;
      END IF;
      IF v_candidate IS NULL THEN
        outcome := 'empty'; RETURN NEXT; RETURN;
      END IF;
    END IF;
    v_holds_lock := true;

    -- A new statement sees every lease committed before we took the row lock, and anyone leasing
    -- this item must hold that lock, so the room it counts cannot be stale.
    INSERT INTO assignments (item_id, project_id, user_id, expires_at)
    SELECT i.id, p_project, p_user, now() + make_interval(mins => v_minutes)
      FROM items i
     WHERE i.id = v_candidate AND i.status = 'open'
       AND i.submitted_count + (
             SELECT count(*) FROM assignments a
              WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
           ) < v_overlap
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
    RETURNING id, expires_at INTO v_lease, v_expires;
    IF v_lease IS NOT NULL THEN
      outcome := 'claimed'; lease_id := v_lease; claimed_item := v_candidate;
      lease_expires := v_expires; resumed := false;
      RETURN NEXT; RETURN;
    END IF;
    -- Someone leased it between our snapshot and our lock: pass it and try the next one.
    v_skip := v_skip || v_candidate;
  END LOOP;
END
$fn$;
