import { and, eq, sql } from "drizzle-orm";
import { themes } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { othersHidden } from "./comment.server";
import { pgArray, splitInputSchema, themeInputSchema, themePatchSchema, type SplitInput, type ThemeInput, type ThemePatch } from "./schemas";

export type Theme = typeof themes.$inferSelect;
export type ThemeWithCounts = Pick<Theme, "id" | "parentId" | "name" | "description" | "examples" | "position"> & {
  /** Comments coded with the theme (by anyone), and its codings. */
  comments: number;
  codings: number;
};

const invalid = (field: string, message: string) => new ValidationError(`${field}: ${message}`, [{ field, message }]);

/** The theme and the actor's standing on its project; NotFound for a theme the actor cannot see. */
export async function themeFor(db: Db, actor: Actor, themeId: string, action: ProjectAction) {
  const [theme] = /^[0-9a-f-]{36}$/i.test(themeId) ? await db.select().from(themes).where(eq(themes.id, themeId)) : [];
  if (!theme) throw new NotFoundError("No such theme.");
  await authorizeProject(db, actor, theme.projectId, action).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such theme.") : error;
  });
  return theme;
}

/** The codebook: parents in order, each followed by its children, with counts. */
export async function listThemes(db: Db, actor: Actor, projectId: string): Promise<ThemeWithCounts[]> {
  await authorizeProject(db, actor, projectId, "feedback.read");
  // why: counts leave out other coders' codings of comments in an open blind sample the viewer codes.
  const seen = sql`(c.coder_id = ${actor.userId} or not ${othersHidden(sql`c.feedback_id`, actor.userId, false)})`;
  const rows = (await db.execute(sql`
    select t.id, t.parent_id, t.name, t.description, t.examples, t.position,
      (select count(distinct c.feedback_id)::int from codings c where c.theme_id = t.id and ${seen}) as comments,
      (select count(*)::int from codings c where c.theme_id = t.id and ${seen}) as codings
    from themes t left join themes p on p.id = t.parent_id
    where t.project_id = ${projectId}
    order by coalesce(p.position, t.position), lower(coalesce(p.name, t.name)), t.parent_id nulls first, t.position, lower(t.name)`)) as unknown as {
    id: string;
    parent_id: string | null;
    name: string;
    description: string;
    examples: string[];
    position: number;
    comments: number;
    codings: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    name: r.name,
    description: r.description,
    examples: r.examples,
    position: r.position,
    comments: r.comments,
    codings: r.codings,
  }));
}

async function checkParent(db: Db, projectId: string, parentId: string | null, themeId?: string) {
  if (parentId === null) return;
  if (parentId === themeId) throw invalid("parentId", "A theme cannot be its own parent.");
  const [parent] = await db
    .select()
    .from(themes)
    .where(and(eq(themes.id, parentId), eq(themes.projectId, projectId)));
  if (!parent) throw invalid("parentId", "No such parent theme in this project.");
  if (parent.parentId !== null) throw invalid("parentId", `"${parent.name}" is itself under another theme; themes nest one level.`);
  if (themeId) {
    const [child] = await db.select({ id: themes.id }).from(themes).where(eq(themes.parentId, themeId)).limit(1);
    if (child) throw invalid("parentId", "This theme has themes under it; move them first (themes nest one level).");
  }
}

function nameTaken(error: unknown, name: string): never {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === "23505") throw invalid("name", `A theme named "${name}" already exists in this project (names are compared ignoring case).`);
  throw error;
}

/** Adds a theme to the codebook (names unique per project, ignoring case). */
export async function createTheme(db: Db, actor: Actor, projectId: string, input: ThemeInput): Promise<Theme> {
  await authorizeProject(db, actor, projectId, "feedback.code");
  const v = parseOrThrow(themeInputSchema, input);
  await checkParent(db, projectId, v.parentId);
  return db.transaction(async (tx) => {
    const [{ next }] = (await tx.execute(sql`select coalesce(max(position), -1)::int + 1 as next from themes where project_id = ${projectId}`)) as unknown as [{ next: number }];
    const [theme] = await tx
      .insert(themes)
      .values({
        projectId,
        parentId: v.parentId,
        name: v.name,
        description: v.description,
        examples: v.examples,
        position: next,
        createdBy: actor.userId,
      })
      .returning()
      .catch((e: unknown) => nameTaken(e, v.name));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "theme.create",
      targetType: "theme",
      targetId: theme!.id,
      data: { projectId, name: v.name },
    });
    return theme!;
  });
}

/** Renames, edits or moves a theme (under a top-level theme, or to the top with parentId null). */
export async function updateTheme(db: Db, actor: Actor, themeId: string, patch: ThemePatch): Promise<Theme> {
  const theme = await themeFor(db, actor, themeId, "feedback.code");
  const v = parseOrThrow(themePatchSchema, patch);
  if (v.parentId !== undefined) await checkParent(db, theme.projectId, v.parentId, theme.id);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(themes)
      .set({ ...v, updatedAt: new Date() })
      .where(eq(themes.id, theme.id))
      .returning()
      .catch((e: unknown) => nameTaken(e, v.name ?? theme.name));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "theme.update",
      targetType: "theme",
      targetId: theme.id,
      data: {
        projectId: theme.projectId,
        before: { name: theme.name, parentId: theme.parentId },
        changed: Object.keys(v),
      },
    });
    return updated!;
  });
}

/** What deleting the theme takes with it: its child themes and the codings of both. */
export async function themeDeletionImpact(db: Db, actor: Actor, themeId: string) {
  const theme = await themeFor(db, actor, themeId, "feedback.read");
  const [row] = (await db.execute(sql`
    select (select count(*)::int from themes where parent_id = ${theme.id}) as children,
      (select count(*)::int from codings where theme_id = ${theme.id} or theme_id in (select id from themes where parent_id = ${theme.id})) as codings`)) as unknown as [
    { children: number; codings: number }
  ];
  return { theme, children: row.children, codings: row.codings };
}

/** Deletes a theme, its child themes and all their codings; answers how many codings went. */
export async function deleteTheme(db: Db, actor: Actor, themeId: string): Promise<{ codings: number; children: number }> {
  await themeFor(db, actor, themeId, "feedback.code");
  return db.transaction(async (tx) => {
    const { theme, children, codings } = await themeDeletionImpact(tx, actor, themeId);
    await tx.delete(themes).where(eq(themes.id, theme.id));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "theme.delete",
      targetType: "theme",
      targetId: theme.id,
      data: { projectId: theme.projectId, name: theme.name, children, codings },
    });
    return { codings, children };
  });
}

/** Moves every coding of `from` to `to` in one statement: a comment a coder coded with both keeps one coding, memos joined, the kept quote first. */
async function moveCodings(tx: Db, fromId: string, toId: string, feedbackIds?: number[]) {
  const only = feedbackIds ? sql`and feedback_id = any(${pgArray(feedbackIds)}::bigint[])` : sql``;
  await tx.execute(sql`
    insert into codings (feedback_id, theme_id, coder_id, project_id, memo, quote_start, quote_end, origin, created_at, updated_at)
    select feedback_id, ${toId}, coder_id, project_id, memo, quote_start, quote_end, origin, created_at, now() from codings where theme_id = ${fromId} ${only}
    on conflict (feedback_id, theme_id, coder_id) do update set
      memo = case when codings.memo = '' then excluded.memo when excluded.memo = '' or excluded.memo = codings.memo then codings.memo else codings.memo || E'\n\n' || excluded.memo end,
      quote_start = case when codings.quote_start is null then excluded.quote_start else codings.quote_start end,
      quote_end = case when codings.quote_start is null then excluded.quote_end else codings.quote_end end,
      updated_at = now()`);
  const moved = (await tx.execute(sql`delete from codings where theme_id = ${fromId} ${only} returning 1`)) as unknown as unknown[];
  return moved.length;
}

/**
 * Merges theme `fromId` into `intoId`: its codings move (duplicates folded, memos joined), its
 * children move under `intoId`, it is deleted, and the audit log records it.
 */
export async function mergeThemes(db: Db, actor: Actor, fromId: string, intoId: string) {
  const from = await themeFor(db, actor, fromId, "feedback.code");
  const into = await themeFor(db, actor, intoId, "feedback.code");
  if (from.projectId !== into.projectId) throw new NotFoundError("No such theme.");
  if (from.id === into.id) throw invalid("into", "Choose another theme to merge into.");
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from themes where id in (${from.id}, ${into.id}) for update`);
    const children = await tx.select({ id: themes.id }).from(themes).where(eq(themes.parentId, from.id));
    const movingChildren = children.filter((c) => c.id !== into.id);
    if (movingChildren.length && into.parentId !== null && into.parentId !== from.id) {
      throw invalid("into", `"${into.name}" is under another theme, so "${from.name}"'s child themes cannot move under it (themes nest one level).`);
    }
    // why: merging a parent into its own child lifts the child to the top before the parent goes.
    if (into.parentId === from.id) await tx.update(themes).set({ parentId: from.parentId, updatedAt: new Date() }).where(eq(themes.id, into.id));
    const moved = await moveCodings(tx, from.id, into.id);
    await tx
      .update(themes)
      .set({ parentId: into.id, updatedAt: new Date() })
      .where(and(eq(themes.parentId, from.id), sql`${themes.id} <> ${into.id}`));
    await tx.delete(themes).where(eq(themes.id, from.id));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "theme.merge",
      targetType: "theme",
      targetId: into.id,
      data: {
        projectId: from.projectId,
        from: { id: from.id, name: from.name },
        into: { id: into.id, name: into.name },
        codingsMoved: moved,
        childrenMoved: movingChildren.length,
      },
    });
    return {
      into: into.id,
      codingsMoved: moved,
      childrenMoved: movingChildren.length,
    };
  });
}

/**
 * Splits a theme into new ones beside it: each new theme takes the codings of the comments chosen
 * for it (a comment may go to several); the rest stay, or go with the theme when `removeOriginal`
 * (its child themes then move under the first new theme).
 */
export async function splitTheme(db: Db, actor: Actor, themeId: string, input: SplitInput) {
  const theme = await themeFor(db, actor, themeId, "feedback.code");
  const v = parseOrThrow(splitInputSchema, input);
  return db.transaction(async (tx) => {
    const coded = new Set(
      ((await tx.execute(sql`select distinct feedback_id from codings where theme_id = ${theme.id}`)) as unknown as { feedback_id: string | number }[]).map((r) =>
        Number(r.feedback_id)
      )
    );
    for (const [i, part] of v.parts.entries()) {
      const stray = part.feedbackIds.find((id) => !coded.has(id));
      if (stray !== undefined) throw invalid(`parts.${i}.feedbackIds`, `Comment ${stray} is not coded with "${theme.name}".`);
    }
    const created: Theme[] = [];
    for (const part of v.parts) {
      const [{ next }] = (await tx.execute(sql`select coalesce(max(position), -1)::int + 1 as next from themes where project_id = ${theme.projectId}`)) as unknown as [
        { next: number }
      ];
      const [made] = await tx
        .insert(themes)
        .values({
          projectId: theme.projectId,
          parentId: theme.parentId,
          name: part.name,
          description: part.description,
          position: next,
          createdBy: actor.userId,
        })
        .returning()
        .catch((e: unknown) => nameTaken(e, part.name));
      await tx.execute(sql`
        insert into codings (feedback_id, theme_id, coder_id, project_id, memo, quote_start, quote_end, origin, created_at, updated_at)
        select feedback_id, ${made!.id}, coder_id, project_id, memo, quote_start, quote_end, origin, created_at, now()
        from codings where theme_id = ${theme.id} and feedback_id = any(${pgArray(part.feedbackIds)}::bigint[])`);
      created.push(made!);
    }
    const moved = [...new Set(v.parts.flatMap((p) => p.feedbackIds))];
    await tx.execute(sql`delete from codings where theme_id = ${theme.id} and feedback_id = any(${pgArray(moved)}::bigint[])`);
    if (v.removeOriginal) {
      await tx
        .update(themes)
        .set({
          parentId: created[0]!.parentId === null ? created[0]!.id : null,
          updatedAt: new Date(),
        })
        .where(eq(themes.parentId, theme.id));
      await tx.delete(themes).where(eq(themes.id, theme.id));
    }
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "theme.split",
      targetType: "theme",
      targetId: theme.id,
      data: {
        projectId: theme.projectId,
        name: theme.name,
        into: created.map((c) => ({ id: c.id, name: c.name })),
        comments: moved.length,
        removedOriginal: v.removeOriginal,
      },
    });
    return { created, removedOriginal: v.removeOriginal };
  });
}

/** The comments coded with a theme (by anyone), newest first, at most 500: what a split chooses from. */
export async function themeComments(db: Db, actor: Actor, themeId: string) {
  const theme = await themeFor(db, actor, themeId, "feedback.read");
  const rows = (await db.execute(sql`
    select f.id, f.comment from feedback f where f.id in (select feedback_id from codings where theme_id = ${theme.id})
    order by f.occurred_at desc, f.id desc limit 500`)) as unknown as {
    id: string | number;
    comment: string;
  }[];
  return {
    id: theme.id,
    name: theme.name,
    comments: rows.map((r) => ({ id: Number(r.id), comment: r.comment })),
  };
}
