import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";

export const HOSTILE = "<img src=x onerror=alert(1)>";

/**
 * A small project whose figures can be checked by hand (see compute-metrics.server.test.ts):
 * four items, two reviewers each; items 0–1 lead with model alpha, 2–3 with beta; item 3 compares
 * beta with gamma. Items 0–1 were answered on Monday 2 November 2026, items 2–3 a week later.
 * Item 3's `lang` is hostile markup, to test escaping.
 */
export async function makeInsightProject() {
  const manager = await makeUser({ name: "Mia Manager" });
  const engineer = await makeUser({ name: "Eli Engineer" });
  const researcher = await makeUser({ name: "Rae Researcher" });
  const a = await makeUser({ name: "Rater A" });
  const b = await makeUser({ name: "Rater B" });
  const p = await createProject(db, manager.actor, { name: `Insight ${randomUUID().slice(0, 8)}` });
  await saveTemplate(db, manager.actor, p.id, {
    questions: [
      { key: "quality", kind: "rating", text: "How good?", min: 1, max: 5 },
      { key: "ok", kind: "thumbs", text: "Acceptable?" },
      { key: "risks", kind: "flags", text: "Risks", options: ["hallucination", "toxicity"] },
      { key: "fix", kind: "correction", text: "Correct it" },
      { key: "marks", kind: "spans", text: "Mark errors", labels: ["error"] },
      { key: "pick", kind: "pairwise", text: "Which is better?" },
    ],
  } as Parameters<typeof saveTemplate>[3]);
  await updateProjectSettings(db, manager.actor, p.id, { overlap: 2 });
  for (const [u, role] of [
    [engineer, "engineer"],
    [researcher, "researcher"],
    [a, "reviewer"],
    [b, "reviewer"],
  ] as const) {
    await addMember(db, manager.actor, p.id, { email: u.email, role });
  }
  const { ids } = await addItems(db, manager.actor, p.id, [
    { input: "Q0", outputs: [{ text: "The cat sat", model: "alpha" }, { text: "A dog ran", model: "beta" }], metadata: { lang: "en" } },
    { input: "Q1", outputs: [{ text: "Hello world", model: "alpha" }, { text: "Hi", model: "beta" }], metadata: { lang: "fr" } },
    { input: "Q2", outputs: [{ text: "kitten", model: "beta" }, { text: "cat", model: "alpha" }], metadata: { lang: "en" } },
    { input: "Q3", outputs: [{ text: "yes", model: "beta" }, { text: "no", model: "gamma" }], metadata: { lang: HOSTILE } },
  ]);
  const answers: [typeof a, number, Record<string, unknown>, number | undefined][] = [
    [a, 0, { quality: 4, ok: "up", risks: [], fix: { text: "The cat sat." }, pick: { winner: 0, shown: [0, 1] }, marks: [{ output: 0, start: 4, end: 7, label: "error", quote: "cat" }] }, 10_000],
    [b, 0, { quality: 5, ok: "up", risks: ["hallucination"], pick: { winner: 1, shown: [1, 0] } }, 20_000],
    [
      a,
      1,
      {
        quality: 2,
        ok: "down",
        risks: ["hallucination"],
        fix: { text: "Hello, world" },
        pick: { winner: "tie", shown: [0, 1] },
        marks: [
          { output: 0, start: 0, end: 5, label: "error", quote: "Hello" },
          { output: 0, start: 6, end: 11, label: "error", quote: "world" },
        ],
      },
      undefined,
    ],
    [b, 1, { quality: 3, ok: "up", risks: [], pick: { winner: 0, shown: [1, 0] } }, undefined],
    [a, 2, { quality: 1, ok: "down", risks: ["hallucination", "toxicity"], fix: { text: "kitten!" }, pick: { winner: 1, shown: [0, 1] } }, 30_000],
    [b, 2, { quality: 1, ok: "down", risks: [], pick: { winner: 1, shown: [1, 0] } }, undefined],
    [a, 3, { quality: 3, ok: "up", risks: [], pick: { winner: 1, shown: [0, 1] } }, undefined],
    [b, 3, { quality: 5, ok: "up", risks: [], pick: { winner: 0, shown: [1, 0] } }, undefined],
  ];
  for (const [who, item, values, durationMs] of answers) {
    await submitAnnotation(db, who.actor, { itemId: ids[item]!, values, idempotencyKey: randomUUID(), ...(durationMs === undefined ? {} : { durationMs }) });
  }
  await db.execute(sql`update annotations set submitted_at = case when item_id in (${ids[0]!}, ${ids[1]!})
    then timestamptz '2026-11-02 10:00:00+00' else timestamptz '2026-11-09 23:30:00+00' end where project_id = ${p.id}`);
  return { projectId: p.id, manager, engineer, researcher, reviewers: [a, b], itemIds: ids };
}
