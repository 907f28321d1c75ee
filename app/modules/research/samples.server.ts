import { randomInt } from "node:crypto";
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { codingSampleCoders, codingSampleItems, codingSamples, projectMembers, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { can } from "~/modules/projects/policy";
import { MersenneTwister } from "~/modules/stats/random";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { newSampleSchema, type CommentFilter, type NewSample } from "./research-schemas";

/** A sample draws from at most this many matching comments (the newest); the rest are not candidates. */
export const MAX_CANDIDATES = 200_000;

/** The SQL condition of a comment filter on `feedback f` (the project is the caller's condition). */
export function commentFilterSql(filter: CommentFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (filter.source) parts.push(sql`f.source = ${filter.source}`);
  if (filter.from) parts.push(sql`f.occurred_at >= ${filter.from}::date::timestamp at time zone 'UTC'`);
  if (filter.to) parts.push(sql`f.occurred_at < (${filter.to}::date + 1)::timestamp at time zone 'UTC'`);
  if (filter.scoreKind) parts.push(sql`f.score_kind = ${filter.scoreKind}`);
  if (filter.score !== undefined) parts.push(sql`f.score = ${filter.score}`);
  if (filter.uncodedOnly) parts.push(sql`not exists (select 1 from feedback_coded fc where fc.feedback_id = f.id)`);
  return sql.join(parts, sql` and `);
}

/**
 * The first `size` of a seeded Fisher–Yates shuffle of `ids` (partial: O(size) swaps). The same
 * ids in the same order and the same seed give the same draw on every machine (MT19937).
 */
export function seededDraw<T>(ids: readonly T[], size: number, seed: number): T[] {
  const pool = [...ids];
  const random = new MersenneTwister(seed);
  const k = Math.min(size, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + random.nextIndex(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

/** The project's members who may code comments (managers and researchers; admins who are members). */
export async function eligibleCoders(db: Db, projectId: string) {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, isAdmin: users.isAdmin, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(users.name));
  return rows.filter((r) => can({ isAdmin: r.isAdmin, role: r.role }, "feedback.code")).map(({ id, name, email }) => ({ id, name, email }));
}

export type CreatedSample = { id: string; name: string; size: number; seed: number; candidates: number };

/**
 * Draws `size` comments at random (seeded, reproducible) from those the filter matches and names
 * the coders who will code them blind. Managers and researchers (`feedback.code`); every coder
 * must be a project member who may code. Fewer matching comments than asked is an error, so a
 * sample is never silently smaller than planned.
 */
export async function createCodingSample(db: Db, actor: Actor, projectId: string, input: NewSample): Promise<CreatedSample> {
  const access = await authorizeProject(db, actor, projectId, "feedback.code");
  if (access.archived) throw new ConflictError("The project is archived.");
  const data = parseOrThrow(newSampleSchema, input);
  const coderIds = [...new Set(data.coderIds)];
  if (coderIds.length < 2) throw new ValidationError("coderIds: Name two or more different coders.", [{ field: "coderIds", message: "Name two or more different coders." }]);
  const eligible = new Set((await eligibleCoders(db, projectId)).map((c) => c.id));
  const refused = coderIds.filter((id) => !eligible.has(id));
  if (refused.length) {
    const message = `${refused.length} of the coders named cannot code in this project (only its managers and researchers can).`;
    throw new ValidationError(`coderIds: ${message}`, [{ field: "coderIds", message }]);
  }
  const seed = data.seed ?? randomInt(0, 0xffffffff);
  // why: candidates in id order, so the same filter and seed draw the same comments as long as no matching comment was added or deleted.
  const rows = await db.execute<{ id: string }>(sql`
    select id from (select f.id from feedback f where f.project_id = ${projectId} and ${commentFilterSql(data.filter)}
                    order by f.id desc limit ${MAX_CANDIDATES}) c order by id`);
  const candidates = rows.map((r) => Number(r.id));
  if (candidates.length < data.size) {
    const message = `Only ${candidates.length} comment(s) match the filter; a sample of ${data.size} needs that many.`;
    throw new ValidationError(`size: ${message}`, [{ field: "size", message }]);
  }
  const drawn = seededDraw(candidates, data.size, seed);
  return db.transaction(async (tx) => {
    const [sample] = await tx
      .insert(codingSamples)
      .values({ projectId, name: data.name, params: { filter: data.filter, seed, size: data.size, candidates: candidates.length }, createdBy: actor.userId })
      .returning({ id: codingSamples.id });
    await tx.insert(codingSampleItems).values(drawn.map((feedbackId, position) => ({ sampleId: sample!.id, feedbackId, position })));
    await tx.insert(codingSampleCoders).values(coderIds.map((userId) => ({ sampleId: sample!.id, userId })));
    await recordAudit(tx, { actorUserId: actor.userId, action: "coding_sample.create", targetType: "coding_sample", targetId: sample!.id, data: { projectId, size: data.size, seed, coders: coderIds.length } });
    return { id: sample!.id, name: data.name, size: data.size, seed, candidates: candidates.length };
  });
}

export type SampleCoder = { id: string; name: string; coded: number };
export type SampleSummary = {
  id: string;
  projectId: string;
  name: string;
  size: number;
  params: Record<string, unknown>;
  createdAt: string;
  createdBy: string | null;
  coders: SampleCoder[];
  /** Comments finished by two or more of the sample's coders: the agreement's units. */
  codedByTwoOrMore: number;
};

async function summaries(db: Db, where: SQL): Promise<SampleSummary[]> {
  const samples = await db
    .select({ id: codingSamples.id, projectId: codingSamples.projectId, name: codingSamples.name, params: codingSamples.params, createdAt: codingSamples.createdAt, createdBy: users.name })
    .from(codingSamples)
    .leftJoin(users, eq(users.id, codingSamples.createdBy))
    .where(where)
    .orderBy(sql`${codingSamples.createdAt} desc`)
    .limit(200);
  if (!samples.length) return [];
  const ids = samples.map((s) => s.id);
  const coders = await db.execute<{ sample_id: string; user_id: string; name: string; coded: number }>(sql`
    select c.sample_id, c.user_id, u.name,
      (select count(*)::int from coding_sample_items i join feedback_coded fc on fc.feedback_id = i.feedback_id and fc.coder_id = c.user_id
        where i.sample_id = c.sample_id) as coded
    from coding_sample_coders c join users u on u.id = c.user_id
    where c.sample_id in ${sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`}
    order by u.name`);
  const counts = await db.execute<{ sample_id: string; size: number; two: number }>(sql`
    select i.sample_id, count(*)::int as size,
      count(*) filter (where (select count(*) from feedback_coded fc join coding_sample_coders c on c.user_id = fc.coder_id and c.sample_id = i.sample_id
                              where fc.feedback_id = i.feedback_id) >= 2)::int as two
    from coding_sample_items i where i.sample_id in ${sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`}
    group by i.sample_id`);
  return samples.map((s) => {
    const c = counts.find((r) => r.sample_id === s.id);
    return {
      ...s,
      createdAt: s.createdAt.toISOString(),
      size: c?.size ?? 0,
      codedByTwoOrMore: c?.two ?? 0,
      coders: coders.filter((r) => r.sample_id === s.id).map((r) => ({ id: r.user_id, name: r.name, coded: r.coded })),
    };
  });
}

/** The project's coding samples, newest first, each with every coder's progress (comments they marked coded). */
export async function listCodingSamples(db: Db, actor: Actor, projectId: string): Promise<SampleSummary[]> {
  await authorizeProject(db, actor, projectId, "feedback.read");
  return summaries(db, eq(codingSamples.projectId, projectId));
}

/** One sample with its coders' progress; NotFound when it does not exist or its project is not the actor's to read. */
export async function getCodingSample(db: Db, actor: Actor, sampleId: string): Promise<SampleSummary> {
  if (!/^[0-9a-f-]{36}$/i.test(sampleId)) throw new NotFoundError("No such coding sample.");
  const [row] = await db.select({ projectId: codingSamples.projectId }).from(codingSamples).where(eq(codingSamples.id, sampleId));
  if (!row) throw new NotFoundError("No such coding sample.");
  await authorizeProject(db, actor, row.projectId, "feedback.read");
  const [summary] = await summaries(db, and(eq(codingSamples.id, sampleId), inArray(codingSamples.projectId, [row.projectId]))!);
  return summary!;
}
