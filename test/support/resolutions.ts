import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { annotations, items, projects, resolutions } from "~db/schema";
import type { Db } from "~/db.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { Question } from "~/modules/templates/schemas";

/**
 * STAND-IN for `refreshResolutions(db, projectId)` from app/modules/resolution (the quality work),
 * until it is in main: the one place tests make `resolutions` rows, so swapping in the real verb
 * is a one-line change. Follows docs/decisions/0008-resolutions.md for the cases the tests use:
 * a strict plurality for thumbs, single choice and pairwise (ties stay unresolved), the mean for
 * ratings, the options a majority chose for multi-choice and flags, the single correction (or
 * identical ones) for corrections. `agreement` is the share agreeing with the value, null with one answer.
 */
export async function resolveAsVoted(db: Db, projectId: string): Promise<void> {
  const template = await getTemplate(db, projectId);
  if (!template) return;
  const [project] = await db.select({ overlap: projects.overlap }).from(projects).where(eq(projects.id, projectId));
  const rows = await db
    .select({ itemId: annotations.itemId, values: annotations.values })
    .from(annotations)
    .where(and(eq(annotations.projectId, projectId), eq(annotations.status, "submitted"), isNotNull(annotations.submittedAt)));
  const byItem = new Map<number, Record<string, unknown>[]>();
  for (const r of rows) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r.values]);

  const made: (typeof resolutions.$inferInsert)[] = [];
  const resolvedItems: number[] = [];
  for (const [itemId, answers] of byItem) {
    let all = answers.length >= project!.overlap;
    for (const q of template.questions) {
      if (q.kind === "text") continue;
      const given = answers.map((a) => a[q.key]).filter((v) => v !== undefined && v !== null);
      if (!given.length) continue;
      const r = consensus(q, given);
      if (r.status === "unresolved") all = false;
      made.push({ itemId, projectId, questionKey: q.key, status: r.status, value: r.value, method: given.length === 1 ? "single" : r.method, agreement: given.length === 1 ? null : r.agreement, annotationCount: given.length });
    }
    if (all) resolvedItems.push(itemId);
  }
  await db.transaction(async (tx) => {
    await tx.delete(resolutions).where(eq(resolutions.projectId, projectId));
    for (let i = 0; i < made.length; i += 2000) await tx.insert(resolutions).values(made.slice(i, i + 2000));
    await tx.update(items).set({ resolvedAt: null }).where(eq(items.projectId, projectId));
    for (let i = 0; i < resolvedItems.length; i += 5000) {
      await tx.update(items).set({ resolvedAt: sql`now()` }).where(inArray(items.id, resolvedItems.slice(i, i + 5000)));
    }
  });
}

type Consensus = { status: "resolved" | "unresolved"; value: unknown; method: "majority" | "mean" | "single" | "overlap"; agreement: number | null };

function consensus(q: Question, given: unknown[]): Consensus {
  const n = given.length;
  const plurality = (keys: string[], toValue: (key: string) => unknown): Consensus => {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const [top, second] = ranked;
    const agreement = top![1] / n;
    if (top![0] === "tie" || (second && second[1] === top![1])) return { status: "unresolved", value: null, method: "majority", agreement };
    return { status: "resolved", value: toValue(top![0]), method: "majority", agreement };
  };
  switch (q.kind) {
    case "rating": {
      const mean = (given as number[]).reduce((a, b) => a + b, 0) / n;
      return { status: "resolved", value: mean, method: "mean", agreement: given.filter((v) => v === given[0]).length / n };
    }
    case "thumbs":
      return plurality(given as string[], (k) => k);
    case "pairwise":
      return plurality(given.map((v) => String((v as { winner: unknown }).winner)), (k) => ({ winner: Number(k) }));
    case "choice":
      if (!q.multiple) return plurality(given as string[], (k) => k);
      return majorityOf(given as string[][], n);
    case "flags":
      return majorityOf(given as string[][], n);
    case "correction": {
      const texts = new Set(given.map((v) => (v as { text: string }).text));
      return texts.size === 1 ? { status: "resolved", value: given[0], method: "single", agreement: 1 } : { status: "unresolved", value: null, method: "single", agreement: 1 / texts.size };
    }
    case "spans": {
      const keys = given.flatMap((spans) => (spans as { output: number; start: number; end: number; label: string }[]).map((s) => JSON.stringify(s)));
      const counts = new Map<string, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      const agreed = [...counts.entries()].filter(([, c]) => c > n / 2).map(([k]) => JSON.parse(k) as unknown);
      return { status: "resolved", value: agreed, method: "overlap", agreement: null };
    }
    case "text":
      throw new Error("text questions have no consensus");
  }
}

function majorityOf(lists: string[][], n: number): Consensus {
  const counts = new Map<string, number>();
  for (const list of lists) for (const v of list) counts.set(v, (counts.get(v) ?? 0) + 1);
  const value = [...counts.entries()].filter(([, c]) => c > n / 2).map(([v]) => v).sort();
  const same = lists.filter((l) => JSON.stringify([...l].sort()) === JSON.stringify(value)).length;
  return { status: "resolved", value, method: "majority", agreement: same / n };
}
