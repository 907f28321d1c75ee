-- Leases the next item of a project for a reviewer: one round trip, one short transaction.
-- Authorization stays in TypeScript (the policy matrix); its roles come in as arguments. See
-- app/modules/review/claim-next-item.server.ts and docs/decisions/0006-queue-claim.md.
--
-- Every claim and submit of an item holds that item's row lock while it counts answers + live
-- leases, and counts them in a statement that starts after the lock was taken (each statement of
-- a VOLATILE PL/pgSQL function takes a fresh snapshot in READ COMMITTED), so the count sees
-- everything committed before the lock. A statement that *waits* for a row lock must never count:
-- PostgreSQL re-checks its WHERE clause on the row's newest version but evaluates subqueries in
-- the statement's old snapshot, so "answers (new) + leases (old)" counts a submitter twice.
CREATE OR REPLACE FUNCTION loupe_claim_item(
  p_project uuid,
  p_user uuid,
  p_is_admin boolean,
  p_view_roles text[],
  p_claim_roles text[],
  p_skip bigint[],
  -- A uniform draw in [0, 1) made by the caller for this claim (null: none): below the project's
  -- gold rate, the claim hands out a gold item first. Drawn outside so a test can force it.
  p_gold_draw double precision
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
  -- The reviewer's cursor: the place in the queue's order of the last item they took going
  -- forward (see queue_cursors).
  v_cur_priority integer;
  v_cur_item bigint;
  v_cur_random integer;
  v_cur_uncertain real;
  v_forward boolean;
  -- why: waiting for a row lock while holding another could deadlock with a claimer doing the
  -- reverse; once this call holds a lock, it hands back 'retry' instead of waiting.
  v_holds_lock boolean := false;
  v_gold_rate real;
  v_onboarding_items integer;
  v_pass_mark real;
  v_onboarding_state text;
  v_onboarding_answered integer;
  v_gold_turn boolean := false;
BEGIN
  -- why: a lease is a reservation, not data: if a crash loses the last few milliseconds of them,
  -- those items just go back to the queue (a reviewer whose lease vanished is told at submit
  -- time). So the claim's commit does not wait for its WAL to reach the disk; answers do.
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT p.overlap, p.lease_minutes, p.item_order, m.role::text, p.gold_rate, p.onboarding_items, p.onboarding_pass_mark
    INTO v_overlap, v_minutes, v_order, v_role, v_gold_rate, v_onboarding_items, v_pass_mark
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
      JOIN items i ON i.id = a.item_id AND i.status IN ('open', 'gold')
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
        -- A gold item has no overlap: each reviewer answers it once, however many do.
        SELECT i.status = 'gold' OR i.status = 'open' AND i.submitted_count + (
                 SELECT count(*) FROM assignments o
                  WHERE o.item_id = i.id AND o.id <> v_own.id AND o.state = 'leased' AND o.expires_at > now()
               ) < v_overlap + i.extra_answers
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

  -- The onboarding round: until a reviewer has passed it (or a manager let them in), they get only
  -- gold items they have not answered, up to the round's size. A round that runs out of such
  -- items ends with what was answered. Submits count the answers (submit-annotation.server.ts).
  IF v_onboarding_items > 0 THEN
    INSERT INTO reviewer_onboarding (project_id, user_id) VALUES (p_project, p_user) ON CONFLICT DO NOTHING;
    SELECT o.state, o.answered INTO v_onboarding_state, v_onboarding_answered
      FROM reviewer_onboarding o WHERE o.project_id = p_project AND o.user_id = p_user;
    IF v_onboarding_state = 'open' AND v_onboarding_answered < v_onboarding_items THEN
      v_gold_turn := true;
    ELSIF v_onboarding_state = 'open' THEN
      -- why: a round is normally finished by its last submit; this closes one whose size was
      -- lowered meanwhile, or that ran out of gold items.
      UPDATE reviewer_onboarding o
         SET state = CASE WHEN v_pass_mark IS NULL OR o.answered = 0 OR o.correct::float8 >= v_pass_mark::float8 * o.answered THEN 'passed' ELSE 'failed' END,
             finished_at = now()
       WHERE o.project_id = p_project AND o.user_id = p_user AND o.state = 'open';
      SELECT o.state INTO v_onboarding_state FROM reviewer_onboarding o WHERE o.project_id = p_project AND o.user_id = p_user;
    END IF;
    IF v_onboarding_state = 'failed' THEN
      outcome := 'onboarding_failed'; RETURN NEXT; RETURN;
    END IF;
  END IF;
  -- Mixed in at the gold rate, but never as filler: with nothing regular left for the reviewer,
  -- the queue is done for them ("done" must mean done).
  IF NOT v_gold_turn AND p_gold_draw IS NOT NULL AND p_gold_draw < v_gold_rate THEN
    v_gold_turn := EXISTS (
      SELECT 1 FROM items i
       WHERE i.project_id = p_project AND i.status = 'open'
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
         AND i.submitted_count + (
               SELECT count(*) FROM assignments a
                WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
             ) < v_overlap + i.extra_answers);
  END IF;
  IF v_gold_turn THEN
    -- why both conditions: items_project_gold_idx is on (project_id, id) where gold is not null.
    -- No row lock: a gold item has no overlap to count; the unique (item, reviewer) assignment
    -- keeps two tabs from taking it twice.
    INSERT INTO assignments (item_id, project_id, user_id, expires_at)
    SELECT i.id, p_project, p_user, now() + make_interval(mins => v_minutes)
      FROM items i
     WHERE i.project_id = p_project AND i.gold IS NOT NULL AND i.status = 'gold'
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
     ORDER BY i.id
     LIMIT 1
    ON CONFLICT DO NOTHING
    RETURNING id, item_id, expires_at INTO v_lease, v_candidate, v_expires;
    IF v_lease IS NOT NULL THEN
      outcome := 'claimed'; lease_id := v_lease; claimed_item := v_candidate;
      lease_expires := v_expires; resumed := false;
      RETURN NEXT; RETURN;
    END IF;
    IF v_onboarding_state = 'open' THEN
      -- No gold item left that they have not answered: the round ends here.
      UPDATE reviewer_onboarding o
         SET state = CASE WHEN v_pass_mark IS NULL OR o.answered = 0 OR o.correct::float8 >= v_pass_mark::float8 * o.answered THEN 'passed' ELSE 'failed' END,
             finished_at = now()
       WHERE o.project_id = p_project AND o.user_id = p_user AND o.state = 'open';
      SELECT o.state INTO v_onboarding_state FROM reviewer_onboarding o WHERE o.project_id = p_project AND o.user_id = p_user;
      IF v_onboarding_state = 'failed' THEN
        outcome := 'onboarding_failed'; RETURN NEXT; RETURN;
      END IF;
    END IF;
  END IF;

  SELECT qc.priority, qc.item_id, qc.random_key, qc.uncertain_key
    INTO v_cur_priority, v_cur_item, v_cur_random, v_cur_uncertain
    FROM queue_cursors qc WHERE qc.project_id = p_project AND qc.user_id = p_user;

  LOOP
    -- SKIP LOCKED first, so claimers spread over different items. The scans walk a partial
    -- open-items index in exactly the claim's order (items_queue_priority_idx on
    -- (project_id, -priority, id) / items_queue_random_idx on (project_id, random_key, id)), so
    -- finished items are not read at all; claim-plan.server.test.ts holds them to that. A row
    -- locked by others is skipped, never waited for, so these counts are never re-checked.
    --
    -- why the cursor: an item stays open until it has `overlap` answers, so with a high overlap
    -- a reviewer ahead of the others would walk every open item they already answered on every
    -- claim (10,000 of them: ~50 ms a claim). The walk starts after the reviewer's cursor
    -- instead (a row comparison on the index's own columns, so an index range). Higher
    -- priorities set meanwhile are looked at first; the rest before the cursor (items that came
    -- back when a lease lapsed) last, when the whole queue is walked before "nothing left".
    --
    -- The "uncertain" order walks items_queue_uncertain_idx, whose key (written out exactly as
    -- in the index, or the index is not used) puts predicted items first by uncertainty, highest
    -- first, then the rest by priority. It has no "ahead of the cursor" pass: every item has its
    -- own key, so that range would be everything the reviewer walked. Items whose uncertainty
    -- changes move under the cursor, so setItemUncertainties deletes the cursors set in this
    -- order and each walk starts again from the most uncertain item.
    v_candidate := NULL;
    v_forward := false;
    IF v_order = 'uncertain' THEN
      IF v_cur_uncertain IS NOT NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND ((CASE WHEN i.uncertainty IS NULL THEN (1000001 - i.priority)::real ELSE -i.uncertainty END), i.id) > (v_cur_uncertain, v_cur_item)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY (CASE WHEN i.uncertainty IS NULL THEN (1000001 - i.priority)::real ELSE -i.uncertainty END), i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i SKIP LOCKED;
        v_forward := v_candidate IS NOT NULL;
      END IF;
      IF v_candidate IS NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY (CASE WHEN i.uncertainty IS NULL THEN (1000001 - i.priority)::real ELSE -i.uncertainty END), i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i SKIP LOCKED;
        -- A cursor set in another order has no place in this one yet: this claim gives it one.
        v_forward := v_cur_uncertain IS NULL AND v_candidate IS NOT NULL;
      END IF;
    ELSIF v_order = 'random' THEN
      IF v_cur_random IS NOT NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.random_key IS NOT NULL AND i.id <> ALL (v_skip)
           AND (i.random_key, i.id) > (v_cur_random, v_cur_item)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY i.random_key, i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i SKIP LOCKED;
        v_forward := v_candidate IS NOT NULL;
      END IF;
      IF v_candidate IS NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.random_key IS NOT NULL AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY i.random_key, i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i SKIP LOCKED;
        -- A cursor set in priority order has no place in this order yet: this claim gives it one.
        v_forward := v_cur_random IS NULL AND v_candidate IS NOT NULL;
      END IF;
    ELSIF v_cur_item IS NOT NULL THEN
      -- Higher priorities than the cursor's (usually none: an empty index range).
      SELECT i.id INTO v_candidate FROM items i
       WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
         AND (-i.priority) < (-v_cur_priority)
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
         AND i.submitted_count + (
               SELECT count(*) FROM assignments a
                WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
             ) < v_overlap + i.extra_answers
       ORDER BY (-i.priority), i.id
       LIMIT 1
       FOR NO KEY UPDATE OF i SKIP LOCKED;
      IF v_candidate IS NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND ((-i.priority), i.id) > ((-v_cur_priority), v_cur_item)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY (-i.priority), i.id
         LIMIT 1
         FOR NO KEY UPDATE OF i SKIP LOCKED;
        v_forward := v_candidate IS NOT NULL;
      END IF;
    END IF;
    -- The whole queue from its start, in priority order: a first claim, a claim past the end of
    -- the cursor's walk, and in random order an item written while the project switched order,
    -- which may have no random key yet ("nothing left" is never said while something is left).
    -- The uncertain order's index holds every open item, so its own walk above was the whole queue.
    IF v_candidate IS NULL AND v_order <> 'uncertain' THEN
      SELECT i.id INTO v_candidate FROM items i
       WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
         AND i.submitted_count + (
               SELECT count(*) FROM assignments a
                WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
             ) < v_overlap + i.extra_answers
       ORDER BY (-i.priority), i.id
       LIMIT 1
       FOR NO KEY UPDATE OF i SKIP LOCKED;
    END IF;

    IF v_candidate IS NULL THEN
      -- Only when that finds nothing, wait for the items other claimers or submitters hold: they
      -- may still have room, and "nothing left" must never be said while something is left.
      IF v_holds_lock THEN
        outcome := 'retry'; skip := v_skip; RETURN NEXT; RETURN;
      END IF;
      -- why: chosen in one snapshot without a lock (answers and leases counted consistently),
      -- then locked by id alone; the room is counted again by the insert below, after the lock.
      -- Counting in the locking statement itself is the double count described at the top.
      IF v_order = 'uncertain' THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY (CASE WHEN i.uncertainty IS NULL THEN (1000001 - i.priority)::real ELSE -i.uncertainty END), i.id
         LIMIT 1;
      ELSIF v_order = 'random' THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.random_key IS NOT NULL AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY i.random_key, i.id
         LIMIT 1;
      END IF;
      IF v_candidate IS NULL THEN
        SELECT i.id INTO v_candidate FROM items i
         WHERE i.project_id = p_project AND i.status = 'open' AND i.id <> ALL (v_skip)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
           AND i.submitted_count + (
                 SELECT count(*) FROM assignments a
                  WHERE a.item_id = i.id AND a.state = 'leased' AND a.expires_at > now()
               ) < v_overlap + i.extra_answers
         ORDER BY (-i.priority), i.id
         LIMIT 1;
      END IF;
      IF v_candidate IS NULL THEN
        outcome := 'empty'; RETURN NEXT; RETURN;
      END IF;
      PERFORM 1 FROM items i WHERE i.id = v_candidate FOR NO KEY UPDATE;
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
           ) < v_overlap + i.extra_answers
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.user_id = p_user)
    RETURNING id, expires_at INTO v_lease, v_expires;
    IF v_lease IS NOT NULL THEN
      IF v_forward OR v_cur_item IS NULL THEN
        -- why the uncertain key only in that order: a null one tells a later claim the cursor
        -- was set in another order (a claim racing an order change) and has no place in this one.
        INSERT INTO queue_cursors AS qc (project_id, user_id, priority, item_id, random_key, uncertain_key)
        SELECT p_project, p_user, i.priority, i.id, i.random_key,
               CASE WHEN v_order = 'uncertain' THEN (CASE WHEN i.uncertainty IS NULL THEN (1000001 - i.priority)::real ELSE -i.uncertainty END) END
          FROM items i WHERE i.id = v_candidate
        ON CONFLICT (project_id, user_id) DO UPDATE
          SET priority = excluded.priority, item_id = excluded.item_id, random_key = excluded.random_key,
              uncertain_key = excluded.uncertain_key;
      END IF;
      outcome := 'claimed'; lease_id := v_lease; claimed_item := v_candidate;
      lease_expires := v_expires; resumed := false;
      RETURN NEXT; RETURN;
    END IF;
    -- Someone leased or finished it between our snapshot and our lock: pass it, try the next one.
    v_skip := v_skip || v_candidate;
  END LOOP;
END
$fn$;
