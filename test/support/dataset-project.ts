import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import type { NewItem } from "~/modules/items/schemas";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { QuestionInput } from "~/modules/templates/schemas";
import { makeUser } from "../factories";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";

/** Every question kind the exports read, all optional so each item answers what fits it. */
export const handMadeQuestions: QuestionInput[] = [
  { key: "quality", kind: "rating", text: "How good is it?", min: 1, max: 5 },
  { key: "correction", kind: "correction", text: "Correct it" },
  { key: "preference", kind: "pairwise", text: "Which is better?", allowTie: true },
  { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }, { value: "other" }] },
  { key: "topics", kind: "choice", text: "Topics", multiple: true, options: [{ value: "refund" }, { value: "delay" }, { value: "praise" }] },
  { key: "risks", kind: "flags", text: "Risks" },
  { key: "comment", kind: "text", text: "Comment" },
];

type Answer = Record<string, unknown>;
/** An item and what each of the two reviewers answers. */
export type HandMadeItem = { item: NewItem; answers: [Answer, Answer] };

/**
 * The small hand-made project of the golden-file tests: a chat input, a pairwise item, a
 * correction, a multi-label item, an item whose label is a tie (unresolved) and hostile cells.
 */
export const handMadeItems: HandMadeItem[] = [
  {
    item: { input: { messages: [{ role: "system", content: "You are a support agent." }, { role: "user", content: "Where is my parcel?" }] }, outputs: [{ text: "It ships tomorrow.", model: "m1" }], metadata: { model: "m1", tier: "gold" } },
    answers: [{ quality: 5, intent: "shipping", topics: ["delay"] }, { quality: 4, intent: "shipping", topics: ["delay"] }],
  },
  {
    item: { input: "Say hello politely.", outputs: [{ text: "hey", model: "m1" }, { text: "Hello, how can I help?", model: "m2" }], metadata: { tier: "silver" } },
    answers: [{ preference: { winner: 1, shown: [0, 1] }, intent: "other" }, { preference: { winner: 1, shown: [1, 0] }, intent: "other" }],
  },
  {
    item: { input: "What is 2+2?", outputs: [{ text: "5", model: "m2" }], metadata: { tier: "gold" } },
    answers: [{ quality: 1, correction: { text: "4" }, intent: "other", risks: ["hallucination"] }, { quality: 2, correction: { text: "4" }, intent: "other", risks: ["hallucination"] }],
  },
  {
    item: { input: "Refund my late order, thanks!", outputs: [{ text: "Refund issued, sorry for the delay.", model: "m1" }] },
    answers: [{ quality: 4, intent: "billing", topics: ["refund", "delay", "praise"] }, { quality: 4, intent: "billing", topics: ["delay", "refund"] }],
  },
  {
    item: { input: "Is this invoice legit?", outputs: [{ text: "=HYPERLINK(\"http://evil.example\",\"Pay here\")", model: "m2" }] },
    answers: [{ quality: 3, intent: "billing" }, { quality: 5, intent: "shipping" }],
  },
  {
    item: { input: "Formula cells", outputs: [{ text: "+1, said \"@admin\"\n-2\tand more", model: "m1" }] },
    answers: [{ quality: 5, intent: "other", comment: "looks fine" }, { quality: 5, intent: "other" }],
  },
];

export type DatasetProject = { projectId: string; manager: Awaited<ReturnType<typeof makeUser>>; reviewers: Awaited<ReturnType<typeof makeUser>>[]; itemIds: number[] };

/** Builds a project through the verbs: template, overlap 2, items one by one, two reviewers' answers, consensus. */
export async function makeDatasetProject(list: HandMadeItem[] = handMadeItems, questions: QuestionInput[] = handMadeQuestions): Promise<DatasetProject> {
  const manager = await makeUser({ name: "Dana Manager" });
  const reviewers = [await makeUser({ name: "Rev One" }), await makeUser({ name: "Rev Two" })];
  const project = await createProject(db, manager.actor, { name: `Datasets ${randomUUID().slice(0, 8)}` });
  for (const r of reviewers) await addMember(db, manager.actor, project.id, { email: r.email, role: "reviewer" });
  await saveTemplate(db, manager.actor, project.id, { questions });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const itemIds: number[] = [];
  for (const { item } of list) itemIds.push((await addItems(db, manager.actor, project.id, [item])).ids[0]!);
  for (const [i, { answers }] of list.entries()) {
    for (const [r, values] of answers.entries()) {
      await submitAnnotation(db, reviewers[r]!.actor, { itemId: itemIds[i]!, values, idempotencyKey: `golden-${itemIds[i]}-${r}`, durationMs: 1000 * (i + 1) + r });
    }
  }
  await refreshResolutions(db, project.id);
  return { projectId: project.id, manager, reviewers, itemIds };
}
