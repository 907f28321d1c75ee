import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~/db.server";
import { hmac } from "~/modules/auth/crypto.server";
import type { Actor } from "~/modules/auth/actor";
import { inputAsText, type StoredInput } from "~/modules/items/schemas";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { env } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";

/**
 * Whether the viewer must not see other coders' work on comment `f`: always inside a sample's view,
 * and everywhere for a comment of an open sample (no `closedAt` in its params) the viewer codes.
 */
export function othersHidden(f: SQL, viewer: string, sampleView: boolean): SQL {
  if (sampleView) return sql`true`;
  return sql`exists (select 1 from coding_sample_items si join coding_samples s on s.id = si.sample_id
    join coding_sample_coders sc on sc.sample_id = s.id and sc.user_id = ${viewer}
    where si.feedback_id = ${f} and s.params->>'closedAt' is null)`;
}

/** Who wrote a comment, as the viewer may see them. */
export type Attributed = {
  kind: "end_user" | "reviewer" | "unknown";
  label: string;
};

/**
 * An end user's stable pseudonym on a project ("User 3f9a1c"): keyed with the server's secret, so
 * a guessable product user id (an email, a number) cannot be found again from it.
 */
export function endUserPseudonym(projectId: string, userId: string): string {
  return `User ${Buffer.from(hmac(env().sessionSecret, `feedback-user:${projectId}:${userId}`), "base64url")
    .toString("hex")
    .slice(0, 6)}`;
}

type AuthorRow = {
  source: "end_user" | "reviewer";
  user_id: string | null;
  reviewer_id: string | null;
  reviewer_name: string | null;
  reviewer_email: string | null;
};

/** Each row's author: end users by pseudonym, reviewers by the project's name rules (people.server). */
export async function attribute(db: Db, actor: Actor, projectId: string, role: ProjectRole | null, rows: AuthorRow[]): Promise<Attributed[]> {
  const reviewers = rows.filter((r) => r.source === "reviewer" && r.reviewer_id);
  const seen = reviewers.length
    ? await (
        await projectPeople(db, actor, projectId, role)
      ).see(
        reviewers.map((r) => ({
          id: r.reviewer_id,
          name: r.reviewer_name,
          email: r.reviewer_email,
        }))
      )
    : [];
  const byReviewer = new Map(reviewers.map((r, i) => [r.reviewer_id!, seen[i]!.label]));
  return rows.map((r) => {
    if (r.source === "reviewer")
      return {
        kind: "reviewer",
        label: (r.reviewer_id && byReviewer.get(r.reviewer_id)) ?? "unknown reviewer",
      };
    return r.user_id ? { kind: "end_user", label: endUserPseudonym(projectId, r.user_id) } : { kind: "unknown", label: "Anonymous" };
  });
}

export type CommentCoding = {
  themeId: string;
  memo: string;
  quoteStart: number | null;
  quoteEnd: number | null;
  coderId: string;
  mine: boolean;
  origin: string;
};

export type CommentView = {
  id: number;
  projectId: string;
  source: "end_user" | "reviewer";
  scoreKind: "thumbs" | "stars" | null;
  score: number | null;
  comment: string;
  segment: string | null;
  model: string | null;
  promptVersion: string | null;
  occurredAt: string;
  author: Attributed;
  /** The output the comment is about, as plain text (input, and each output with its model). */
  item: {
    id: number;
    input: string;
    outputs: { text: string; model?: string }[];
  } | null;
  /** The codings the viewer may see: their own, and others' unless the comment is in a blind sample they code. */
  codings: CommentCoding[];
  codedByMe: boolean;
  othersHidden: boolean;
};

/** A comment with what it is about and the codings the viewer may see; NotFound outside the actor's projects. */
export async function getComment(db: Db, actor: Actor, feedbackId: number, options: { sampleView?: boolean } = {}): Promise<CommentView> {
  const [row] = (await db.execute(sql`
    select f.id, f.project_id, f.source, f.score_kind, f.score, f.comment, f.segment, f.model, f.prompt_version, f.user_id, f.item_id,
      to_char(f.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
      a.user_id as reviewer_id, u.name as reviewer_name, u.email as reviewer_email, i.input, i.outputs,
      ${othersHidden(sql`f.id`, actor.userId, options.sampleView ?? false)} as hidden
    from feedback f
    left join annotations a on a.id = f.annotation_id
    left join users u on u.id = a.user_id
    left join items i on i.id = f.item_id
    where f.id = ${feedbackId}`)) as unknown as (Record<string, unknown> & AuthorRow)[];
  if (!row) throw new NotFoundError("No such comment.");
  const projectId = row.project_id as string;
  const access = await authorizeProject(db, actor, projectId, "feedback.read").catch(() => {
    throw new NotFoundError("No such comment.");
  });
  const hidden = Boolean(row.hidden);
  const [author] = await attribute(db, actor, projectId, access.role, [row]);
  const codings = (await db.execute(sql`
    select theme_id, memo, quote_start, quote_end, coder_id, origin from codings
    where feedback_id = ${feedbackId} ${hidden ? sql`and coder_id = ${actor.userId}` : sql``}
    order by created_at, theme_id`)) as unknown as {
    theme_id: string;
    memo: string;
    quote_start: number | null;
    quote_end: number | null;
    coder_id: string;
    origin: string;
  }[];
  const [coded] = (await db.execute(sql`select 1 from feedback_coded where feedback_id = ${feedbackId} and coder_id = ${actor.userId}`)) as unknown as unknown[];
  const outputs = Array.isArray(row.outputs) ? (row.outputs as { text?: unknown; model?: unknown }[]) : [];
  return {
    id: Number(row.id),
    projectId,
    source: row.source,
    scoreKind: row.score_kind as CommentView["scoreKind"],
    score: row.score as number | null,
    comment: row.comment as string,
    segment: row.segment as string | null,
    model: row.model as string | null,
    promptVersion: row.prompt_version as string | null,
    occurredAt: row.occurred_at as string,
    author: author!,
    item:
      row.item_id == null
        ? null
        : {
            id: Number(row.item_id),
            input: inputAsText(row.input as StoredInput),
            outputs: outputs.map((o) => ({
              text: typeof o.text === "string" ? o.text : JSON.stringify(o),
              ...(typeof o.model === "string" ? { model: o.model } : {}),
            })),
          },
    codings: codings.map((c) => ({
      themeId: c.theme_id,
      memo: c.memo,
      quoteStart: c.quote_start,
      quoteEnd: c.quote_end,
      coderId: c.coder_id,
      mine: c.coder_id === actor.userId,
      origin: c.origin,
    })),
    codedByMe: coded !== undefined,
    othersHidden: hidden,
  };
}
