import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { seededRandom, sample } from "../../../bench/lib/random";
import { makeUser } from "../../../test/factories";
import { exportBytes } from "../../../test/support/export-bytes";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { parseCsv, sharedData } from "../../../test/support/shared-data";
import { isFormulaLike } from "~/utils/csv";
import { createDataset } from "./create-dataset.server";

const files = sharedData("banking77/train.csv", "banking77/categories.json");
// why: a seeded sample, not all 10,003 rows: every answer goes through submitAnnotation, and the
// sample keeps BANKING77's unequal class sizes (about 9 to 56 items per intent), which is what
// makes "each split keeps every label's proportion" a real test.
const SAMPLE = 3000;
const SHARES = { train: 0.8, validation: 0.1, test: 0.1 } as const;
const optionValue = (category: string) => category.replace(/[^\p{L}\p{N}_.:/ -]/gu, "");

describe.skipIf(!files)("BANKING77: intents in, labels answered and resolved, stratified split, classification-csv", () => {
  it("keeps every one of the 77 labels within one row of its share in each split", { timeout: 300_000 }, async () => {
    const categories = JSON.parse(fs.readFileSync(files![1]!, "utf8")) as string[];
    const rows = parseCsv(fs.readFileSync(files![0]!, "utf8")).slice(1).filter((r) => r.length === 2);
    const picked = sample(rows, SAMPLE, seededRandom(77));

    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await createProject(db, manager.actor, { name: `BANKING77 ${Date.now()}` });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    await saveTemplate(db, manager.actor, project.id, {
      questions: [{ key: "intent", kind: "choice", text: "Which intent?", required: true, options: categories.map((c) => ({ value: optionValue(c), label: c })) }],
    });
    const ids: number[] = [];
    for (let i = 0; i < picked.length; i += 1000) {
      const chunk = picked.slice(i, i + 1000).map(([text], k) => ({ input: text!, outputs: [{ text: text! }], externalId: `banking77-${i + k}` }));
      ids.push(...(await addItems(db, manager.actor, project.id, chunk)).ids);
    }
    expect(ids).toHaveLength(SAMPLE);
    // Four at a time, as a few reviewers would; each through the real submit verb.
    for (let i = 0; i < ids.length; i += 4) {
      await Promise.all(
        ids.slice(i, i + 4).map((itemId, k) =>
          submitAnnotation(db, reviewer.actor, { itemId, values: { intent: optionValue(picked[i + k]![1]!) }, idempotencyKey: `banking77-${itemId}` }),
        ),
      );
    }
    await refreshResolutions(db, project.id);

    const dataset = await createDataset(db, manager.actor, project.id, { name: "BANKING77", filter: {}, options: { textFrom: "input", split: { ...SHARES, seed: 2024 } } });
    expect(dataset.counts.items).toBe(SAMPLE);
    const { bytes, card } = await exportBytes(manager.actor, dataset.id, "classification-csv");
    const [header, ...lines] = parseCsv(bytes.toString("utf8"));
    expect(header).toEqual(["text", "label", "split"]);
    expect(lines).toHaveLength(SAMPLE);

    const expected = new Map(picked.map(([text, category]) => [text, optionValue(category!)]));
    const perLabel = new Map<string, Record<string, number>>();
    for (const [text, label, split] of lines) {
      // Texts a spreadsheet could run as a formula come back with a leading apostrophe.
      expect(expected.get(text!.startsWith("'") && isFormulaLike(text!.slice(1)) ? text!.slice(1) : text!)).toBe(label);
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
