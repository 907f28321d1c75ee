import type postgres from "postgres";

export type AnnotateOptions = {
  projectId: string;
  /** Reviewers the answers are spread over (one submitted answer per item: overlap 1). */
  userIds: string[];
  seed: number;
  templateVersion: number;
  /** Rows per statement (and per progress report). */
  chunk?: number;
  onProgress?: (done: number) => void;
};

/**
 * Answers every item of a `rate-and-correct` project set-based, as a million reviews would leave
 * it: one submitted annotation per item (a rating 1–5 from a hash of the item id and seed, and for
 * about a third a correction), its assignment, the consensus in `resolutions` (overlap 1, so the
 * single answer is the consensus, method `single`) and `items.resolved_at`. Same seed, same rows.
 */
export async function annotateItems(sql: postgres.Sql, options: AnnotateOptions): Promise<number> {
  const { projectId, seed, templateVersion } = options;
  const chunk = options.chunk ?? 100_000;
  const [{ min, max }] = await sql<[{ min: string | null; max: string | null }]>`select min(id)::text as min, max(id)::text as max from items where project_id = ${projectId}`;
  if (min === null || max === null) return 0;
  const users = sql.array(options.userIds, 2950);
  let done = 0;
  for (let from = Number(min); from <= Number(max); from += chunk) {
    const to = Math.min(Number(max), from + chunk - 1);
    await sql.begin(async (tx) => {
      // why: a benchmark fixture, not user data: a crash loses nothing worth an fsync per chunk.
      await tx`set local synchronous_commit = off`;
      await tx`create temp table answered on commit drop as
        select i.id, i.outputs, (${users}::uuid[])[1 + (i.id * 7919 + ${seed}) % ${options.userIds.length}] as user_id,
               1 + ((i.id * 2654435761 + ${seed}) % 5)::int as quality,
               ((i.id * 40507 + ${seed}) % 3 = 0) as corrected
        from items i where i.project_id = ${projectId} and i.id between ${from} and ${to}`;
      await tx`insert into annotations (item_id, project_id, user_id, template_version, values, status, version, idempotency_key, duration_ms, created_at, updated_at, submitted_at)
        select id, ${projectId}, user_id, ${templateVersion},
               case when corrected then jsonb_build_object('quality', quality, 'correction', jsonb_build_object('text', 'Corrected: ' || (outputs -> 0 ->> 'text')))
                    else jsonb_build_object('quality', quality) end,
               'submitted', 1, 'bench-' || id, 1000 + (id * 31 % 60000)::int, now(), now(), now()
        from answered`;
      await tx`insert into assignments (item_id, project_id, user_id, state, expires_at) select id, ${projectId}, user_id, 'submitted', now() from answered`;
      await tx`insert into resolutions (item_id, project_id, question_key, status, value, method, agreement, annotation_count)
        select id, ${projectId}::uuid, 'quality', 'resolved'::resolution_status, to_jsonb(quality), 'single'::resolution_method, null::real, 1 from answered
        union all
        select id, ${projectId}::uuid, 'correction', 'resolved'::resolution_status, jsonb_build_object('text', 'Corrected: ' || (outputs -> 0 ->> 'text')), 'single'::resolution_method, null::real, 1 from answered where corrected`;
      await tx`update items i set status = 'done', submitted_count = 1, resolved_at = now() from answered a where a.id = i.id`;
      // why: this fixture writes the consensus itself (overlap 1: the single answer), so the stale
      // marks its inserts left behind are already settled; left, the first reader would recompute them all.
      await tx`delete from resolution_stale where item_id in (select id from answered)`;
    });
    done += to - from + 1;
    options.onProgress?.(done);
  }
  // Every item of the project now has its consensus: the project-wide mark of its template is settled too.
  await sql`delete from resolution_stale_projects where project_id = ${projectId}`;
  return done;
}
