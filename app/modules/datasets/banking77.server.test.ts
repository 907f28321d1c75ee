import fs from "node:fs";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items } from "~db/schema";
import { db } from "~/db.server";
import { importItems } from "~/modules/imports/import-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { neutralizeCell } from "~/utils/csv";
import { makeUser } from "~test/factories";
import { exportBytes } from "~test/support/export-bytes";
import { parseCsv, sharedData } from "~test/support/shared-data";
import { createDataset } from "./create-dataset.server";

const files = sharedData("banking77/train.csv", "banking77/categories.json");
const SHARES = { train: 0.8, validation: 0.1, test: 0.1 } as const;
const pairKey = (text: string, label: string) => JSON.stringify([text, label]);

describe.skipIf(!files)("BANKING77 train.csv: imported as a classification project, every item labelled, exported with the default options", () => {
  it("gives back all 10,003 (text, label) pairs of the file, each label within one row of its share in every split", { timeout: 300_000 }, async () => {
    const [trainCsv, categoriesJson] = files!;
    const categories = JSON.parse(fs.readFileSync(categoriesJson!, "utf8")) as string[];
    const [header, ...original] = parseCsv(fs.readFileSync(trainCsv!, "utf8"));
    expect(header).toEqual(["text", "category"]);
    expect(original).toHaveLength(10_003);

    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await createProject(db, manager.actor, { name: `BANKING77 ${Date.now()}` });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    await saveTemplate(db, manager.actor, project.id, {
      questions: [{ key: "intent", kind: "choice", text: "Which intent?", required: true, options: categories.map((c) => ({ value: c })) }],
    });
    await updateProjectSettings(db, manager.actor, project.id, { overlap: 1 });
    const imported = await importItems(db, manager.actor, { projectId: project.id, input: { open: () => fs.createReadStream(trainCsv!) }, format: "classification-csv", origin: "upload" });
    expect(imported).toMatchObject({ received: 10_003, inserted: 10_003, rejected: 0 });

    // The reviewer labels every item with the file's category, through the real submit verb, four at a time.
    const categoryOf = new Map(original.map(([text, category]) => [text!, category!]));
    const stored = await db.select({ id: items.id, input: items.input, outputs: items.outputs }).from(items).where(eq(items.projectId, project.id)).orderBy(asc(items.id));
    expect(stored.every((i) => i.outputs.length === 0)).toBe(true);
    for (let i = 0; i < stored.length; i += 4) {
      await Promise.all(
        stored.slice(i, i + 4).map(({ id, input }) => {
          const intent = categoryOf.get((input as { text: string }).text);
          expect(intent, `item ${id}'s prompt is a text of the file`).toBeDefined();
          return submitAnnotation(db, reviewer.actor, { itemId: id, values: { intent }, idempotencyKey: `banking77-${id}` });
        }),
      );
    }
    await refreshResolutions(db, project.id);

    // Empty filter, default options: the classification-csv export holds every item, its prompt as the text.
    const dataset = await createDataset(db, manager.actor, project.id, { name: "BANKING77", filter: {}, options: {} });
    expect(dataset.counts.items).toBe(10_003);
    const { bytes, card } = await exportBytes(manager.actor, dataset.id, "classification-csv");
    expect(card.export).toMatchObject({ rows: 10_003, skipped: [], invalid: { count: 0 } });
    const [exportHeader, ...lines] = parseCsv(bytes.toString("utf8"));
    expect(exportHeader).toEqual(["text", "label", "split"]);
    expect(lines).toHaveLength(10_003);

    // The same pairs as the file. In the CSV (not in the JSONL), the texts a spreadsheet would
    // read as a formula start with an apostrophe: here the 8 that begin with a line break.
    const fromFile = (cell: (text: string) => string) => original.map(([text, category]) => pairKey(cell(text!), category!)).sort();
    expect(lines.map(([text, label]) => pairKey(text!, label!)).sort()).toEqual(fromFile(neutralizeCell));
    expect(original.filter(([text]) => neutralizeCell(text!) !== text).map(([text]) => text!.slice(0, 1))).toEqual(Array(8).fill("\n"));
    const jsonl = (await exportBytes(manager.actor, dataset.id, "classification-jsonl")).bytes.toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as { text: string; label: string });
    expect(jsonl.map((r) => pairKey(r.text, r.label)).sort()).toEqual(fromFile((text) => text));

    const perLabel = new Map<string, Record<string, number>>();
    for (const [, label, split] of lines) {
      const counts = perLabel.get(label!) ?? { train: 0, validation: 0, test: 0 };
      counts[split!]!++;
      perLabel.set(label!, counts);
    }
    expect(perLabel.size).toBe(77);
    for (const [label, counts] of perLabel) {
      const n = counts.train! + counts.validation! + counts.test!;
      for (const split of ["train", "validation", "test"] as const) {
        expect(Math.abs(counts[split]! - n * SHARES[split]), `${label} (${n} items) in ${split}: ${counts[split]}`).toBeLessThanOrEqual(1);
      }
    }
    expect(card.labels!.distribution).toHaveLength(77);
  });
});
