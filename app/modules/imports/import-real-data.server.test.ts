import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items, suggestions } from "~db/schema";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { TemplateInput } from "~/modules/templates/schemas";
import { makeUser } from "~test/factories";
import { sharedData } from "~test/support/shared-data";
import { importItems } from "./import-items.server";

const files = sharedData(
  "alpaca_eval/Meta-Llama-3-8B-Instruct.json",
  "alpaca_eval/Mistral-7B-Instruct-v0.2.json",
  "hh-rlhf/harmless-base-test.jsonl.gz",
  "banking77/test.csv",
  "banking77/categories.json",
);

async function project(template: TemplateInput) {
  const manager = await makeUser();
  const p = await createProject(db, manager.actor, { name: `Real data ${randomUUID()}` });
  await saveTemplate(db, manager.actor, p.id, template);
  return { actor: manager.actor, projectId: p.id };
}

const file = (path: string) => ({ open: () => fs.createReadStream(path) });

describe.skipIf(!files)("presets on the real data in ../shared/data", () => {
  const [llama, mistral, hh, banking, categories] = files ?? [];

  it("alpaca-eval: two models' answers to the same 805 instructions become 805 pairwise items", async () => {
    const { actor, projectId } = await project(templatePresets["pairwise-preference"].template);
    const first = await importItems(db, actor, { projectId, input: file(llama!), format: "alpaca-eval", origin: "upload" });
    expect(first).toMatchObject({ received: 805, inserted: 805, rejected: 0, errors: [], fileType: "json" });

    const second = await importItems(db, actor, { projectId, input: file(mistral!), format: "alpaca-eval", mode: "add-outputs", origin: "upload" });
    expect(second).toMatchObject({ received: 805, inserted: 0, matched: 805, unmatched: 0, outputsAdded: 805, rejected: 0 });

    const rows = await db.select({ input: items.input, outputs: items.outputs, metadata: items.metadata }).from(items).where(eq(items.projectId, projectId));
    expect(rows).toHaveLength(805);
    const models = new Set(rows.map((r) => (r.outputs as { model: string }[]).map((o) => o.model).join(" vs ")));
    expect([...models]).toEqual(["Meta-Llama-3-8B-Instruct vs Mistral-7B-Instruct-v0.2"]);
    const llamaRows = JSON.parse(fs.readFileSync(llama!, "utf8")) as { instruction: string; output: string; dataset: string }[];
    const byPrompt = new Map(rows.map((r) => [(r.input as { text: string }).text, r]));
    expect(byPrompt.size).toBe(805);
    const sample = llamaRows[123]!;
    expect(byPrompt.get(sample.instruction)).toMatchObject({ metadata: { dataset: sample.dataset }, outputs: [{ text: sample.output, model: "Meta-Llama-3-8B-Instruct" }, { model: "Mistral-7B-Instruct-v0.2" }] });

    const again = await importItems(db, actor, { projectId, input: file(mistral!), format: "alpaca-eval", mode: "add-outputs", origin: "upload" });
    expect(again).toMatchObject({ received: 805, matched: 0, duplicates: 805, outputsAdded: 0 });
  });

  it("hh-rlhf: 2,312 gzipped preference pairs become items with chat inputs and the two final answers as outputs", async () => {
    const { actor, projectId } = await project(templatePresets["pairwise-preference"].template);
    const result = await importItems(db, actor, { projectId, input: file(hh!), format: "hh-rlhf", origin: "cli" });
    expect(result).toMatchObject({ received: 2312, inserted: 2312, rejected: 0, fileType: "jsonl" });

    const rows = await db.select({ input: items.input, outputs: items.outputs }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
    expect(rows).toHaveLength(2312);
    for (const row of rows) {
      const input = row.input as { type: string; messages: { role: string }[] };
      expect(input.type).toBe("messages");
      expect(input.messages.at(-1)!.role).toBe("user");
      expect((row.outputs as { model: string }[]).map((o) => o.model)).toEqual(["chosen", "rejected"]);
    }
    // The first pair of the file, turn by turn.
    expect(rows[0]).toEqual({
      input: {
        type: "messages",
        messages: [
          { role: "user", content: "what are some pranks with a pen i can do?" },
          { role: "assistant", content: "Are you looking for practical joke ideas?" },
          { role: "user", content: "yep" },
          { role: "assistant", content: expect.stringMatching(/^Ok, I’ll give you a couple examples/) },
          { role: "user", content: "okay some of these do not have anything to do with pens" },
        ],
      },
      outputs: [
        { text: "No, sorry!  All of these involve a pen, the point is that you can get funny results by doing pranks with pens.", model: "chosen" },
        { text: expect.stringMatching(/^There are lots of funny things you can do with pens/), model: "rejected" },
      ],
    });
  });

  it("classification-csv: BANKING77 test.csv becomes 3,080 items with label suggestions over its 77 labels", async () => {
    const labels = JSON.parse(fs.readFileSync(categories!, "utf8")) as string[];
    const { actor, projectId } = await project({
      questions: [{ key: "intent", kind: "choice", text: "Which intent?", required: true, options: labels.map((value) => ({ value })) }],
    });
    const result = await importItems(db, actor, { projectId, input: file(banking!), format: "classification-csv", origin: "upload" });
    expect(result).toMatchObject({ received: 3080, inserted: 3080, rejected: 0, fileType: "csv" });

    const [counts] = await db.execute<{ items: number; suggested: number; labels: number; first: string }>(sql`
      select count(distinct i.id)::int as items, count(s.id)::int as suggested, count(distinct s.value)::int as labels,
             min(i.input->>'text') filter (where i.id = (select min(id) from items where project_id = ${projectId})) as first
      from items i left join suggestions s on s.item_id = i.id and s.question_key = 'intent' and s.source = 'import'
      where i.project_id = ${projectId}`);
    expect(counts).toEqual({ items: 3080, suggested: 3080, labels: 77, first: "How do I locate my card?" });
    const [firstItem] = await db.select({ id: items.id, outputs: items.outputs, gold: items.gold }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id).limit(1);
    expect(firstItem).toMatchObject({ outputs: [], gold: null });
    expect(await db.select({ value: suggestions.value }).from(suggestions).where(eq(suggestions.itemId, firstItem!.id))).toEqual([{ value: "card_arrival" }]);
  });

  it("classification-csv with gold: the labels become gold answers and no suggestions", async () => {
    const labels = JSON.parse(fs.readFileSync(categories!, "utf8")) as string[];
    const { actor, projectId } = await project({
      questions: [{ key: "intent", kind: "choice", text: "Which intent?", options: labels.map((value) => ({ value })) }],
    });
    await importItems(db, actor, { projectId, input: file(banking!), format: "classification-csv", gold: true, origin: "upload" });
    const [counts] = await db.execute<{ gold: number; labels: number; suggested: number }>(sql`
      select count(*) filter (where gold ? 'intent')::int as gold, count(distinct gold->>'intent')::int as labels,
             (select count(*)::int from suggestions s join items j on j.id = s.item_id where j.project_id = ${projectId}) as suggested
      from items where project_id = ${projectId}`);
    expect(counts).toEqual({ gold: 3080, labels: 77, suggested: 0 });
  });
});
