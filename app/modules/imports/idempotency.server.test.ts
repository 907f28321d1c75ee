import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotations, imports, items } from "~db/schema";
import { db } from "~/db.server";
import { templatePresets } from "~/modules/templates/presets";
import { ValidationError } from "~/utils/errors";
import { testSql } from "~test/db";
import { makeUser } from "~test/factories";
import { importItems } from "./import-items.server";
import { contentKeys, itemKey } from "./prepare-row.server";
import { markInterruptedImports } from "./tracker.server";
import { bytesInput, importProject, importText, jsonl, storedItems } from "./test-helpers";

const rows = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ input: `Question ${i + offset}`, outputs: [{ text: `Answer ${i + offset}`, model: "m1" }] }));
const count = async (projectId: string) => (await db.select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.projectId, projectId)))[0]!.n;

describe("item keys", () => {
  it("Node's itemKey is SQL's loupe_key, so both sides of the database agree on an item's identity", async () => {
    const parts = ["1F2E3D4C-0000-4000-8000-00000000000A".toLowerCase(), '{"type":"text","text":"Grüße, 你好 — \\"quoted\\"\\n"}'];
    const [row] = await db.execute<{ key: string; one: string }>(sql`select loupe_key(${parts[0]!}, ${parts[1]!})::text as key, loupe_key('x')::text as one`);
    expect(itemKey(...parts)).toBe(row!.key);
    expect(itemKey("x")).toBe(row!.one);
    expect(itemKey("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // why: the project is part of the input key, so the same content in two projects are two items.
    const a = contentKeys("00000000-0000-4000-8000-000000000001", { input: "Q", outputs: [{ text: "A" }] });
    const b = contentKeys("00000000-0000-4000-8000-000000000002", { input: "Q", outputs: [{ text: "A" }] });
    expect(a.inputKey).not.toBe(b.inputKey);
    expect(a.outputsKey).toBe(b.outputsKey);
  });

  it("the keys stored are the ones Node computed from the stored JSON", async () => {
    const p = await importProject();
    await importText(p, jsonl({ input: "Keyed question", outputs: [{ text: "Keyed answer", model: "m1" }] }));
    const [stored] = await db.select({ inputKey: items.inputKey, outputsKey: items.outputsKey }).from(items).where(eq(items.projectId, p.projectId));
    expect(stored).toEqual(contentKeys(p.projectId, { input: "Keyed question", outputs: [{ text: "Keyed answer", model: "m1" }] }));
  });
});

describe("importing the same rows again adds nothing", () => {
  it("re-importing a file (keyed by content hash, or by externalId) is a no-op", async () => {
    const p = await importProject();
    const file = jsonl(...rows(2500));
    const first = await importText(p, file);
    expect(first.result).toMatchObject({ received: 2500, inserted: 2500, duplicates: 0 });
    const second = await importText(p, file);
    expect(second.result).toMatchObject({ received: 2500, inserted: 0, duplicates: 2500 });
    expect(await count(p.projectId)).toBe(2500);

    const keyed = jsonl({ input: "A", outputs: [{ text: "1" }], externalId: "k1" }, { input: "changed later", outputs: [{ text: "2" }], externalId: "k1" });
    const third = await importText(p, keyed);
    expect(third.result).toMatchObject({ received: 2, inserted: 1, duplicates: 1 });
    expect(third.stored.filter((s) => s.externalId === "k1").map((s) => s.input)).toEqual([{ type: "text", text: "A" }]);
  });

  it("two imports of the same file into one project at the same time neither deadlock nor duplicate", async () => {
    const p = await importProject();
    const file = jsonl(...rows(6000));
    const reversed = jsonl(...rows(6000).reverse());
    const results = await Promise.all([importText(p, file), importText(p, reversed), importText(p, file)]);
    const inserted = results.reduce((sum, r) => sum + r.result!.inserted, 0);
    const duplicates = results.reduce((sum, r) => sum + r.result!.duplicates, 0);
    expect(inserted).toBe(6000);
    expect(duplicates).toBe(12_000);
    expect(await count(p.projectId)).toBe(6000);
  });

  it("a row another writer commits while a batch is being copied costs only itself: the batch is copied again after a key lookup", async () => {
    const p = await importProject();
    const [taken] = rows(1, 5);
    const keys = contentKeys(p.projectId, taken!);
    // A writer that skips the importer's project lock (none in Loupe does) holds the same item, uncommitted.
    const other = await testSql().reserve();
    try {
      await other`begin`;
      await other`insert into items (project_id, input_key, outputs_key, input, outputs, source)
        values (${p.projectId}, ${keys.inputKey}, ${keys.outputsKey}, ${JSON.stringify({ type: "text", text: taken!.input })}::jsonb, ${JSON.stringify(taken!.outputs)}::jsonb, 'other')`;
      const importing = importText(p, jsonl(...rows(10)));
      // The batch's key lookup could not see that row, so its COPY waits on the unique index.
      await expect.poll(async () => (await db.execute(sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%copy items (%'`)).length, { timeout: 10_000 }).toBe(1);
      await other`commit`;
      const { result, stored } = await importing;
      expect(result).toMatchObject({ received: 10, inserted: 9, duplicates: 1, rejected: 0 });
      expect(stored.map((s) => s.input)).toHaveLength(10);
      expect(new Set(stored.map((s) => JSON.stringify(s.input))).size).toBe(10);
    } finally {
      other.release();
    }
  });

  it("an import stopped part-way (killed, cancelled) and run again yields every row exactly once", async () => {
    const p = await importProject();
    const file = jsonl(...rows(9000));
    const controller = new AbortController();
    let batches = 0;
    const stopped = importItems(db, p.actor, {
      projectId: p.projectId,
      input: bytesInput(file, 64 * 1024),
      origin: "cli",
      track: { fileName: "big.jsonl" },
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 2) controller.abort();
      },
    });
    await expect(stopped).rejects.toMatchObject({ reason: "stopped" });
    const [row] = await db.select().from(imports).where(eq(imports.projectId, p.projectId));
    const partial = await count(p.projectId);
    // why: the batch being written when the signal came finishes; the row counts what committed.
    expect(row).toMatchObject({ state: "failed", inserted: partial, lastLine: partial });
    expect(row!.message).toBe(`Stopped before the end. Rows up to line ${partial} are in; import the file again to finish (rows already in are skipped).`);
    expect(partial).toBeGreaterThanOrEqual(4000);
    expect(partial).toBeLessThan(9000);

    const again = await importItems(db, p.actor, { projectId: p.projectId, input: bytesInput(file, 64 * 1024), origin: "cli" });
    expect(again).toMatchObject({ received: 9000, inserted: 9000 - partial, duplicates: partial });
    const [hashes] = await db.execute<{ distinct: number }>(sql`select count(distinct (input_key, outputs_key))::int as distinct from items where project_id = ${p.projectId}`);
    expect(hashes!.distinct).toBe(9000);
    expect(await count(p.projectId)).toBe(9000);
  });

  it("an import whose process died (a silent heartbeat) is marked failed with how far it got", async () => {
    const p = await importProject();
    const [row] = await db
      .insert(imports)
      .values({ projectId: p.projectId, origin: "cli", state: "running", lastLine: 1234, heartbeatAt: sql`now() - interval '1 minute'` })
      .returning({ id: imports.id });
    const [live] = await db.insert(imports).values({ projectId: p.projectId, origin: "cli", state: "running", heartbeatAt: sql`now()` }).returning({ id: imports.id });
    const marked = await markInterruptedImports(db);
    expect(marked).toContain(row!.id);
    expect(marked).not.toContain(live!.id);
    const [after] = await db.select().from(imports).where(eq(imports.id, row!.id));
    expect(after).toMatchObject({
      state: "failed",
      message: "Interrupted at line 1234: the process running it stopped. Import the file again to finish; rows already imported are skipped.",
    });
  });
});

describe("adding a second model's answers", () => {
  const first = jsonl(
    { instruction: "Q1", output: "A1", generator: "m1" },
    { instruction: "Q2", output: "A2", generator: "m1" },
    { instruction: "Q3", output: "A3", generator: "m1" },
  );
  const second = jsonl(
    { instruction: "Q1", output: "B1", generator: "m2" },
    { instruction: "Q2", output: "B2", generator: "m2" },
    { instruction: "not there", output: "B4", generator: "m2" },
  );

  it("matches by exact input, says how many did not match, and twice at once adds each output once", async () => {
    const p = await importProject(templatePresets["pairwise-preference"].template);
    await importText(p, first, { format: "alpaca-eval" });
    const [a, b] = await Promise.all([
      importText(p, second, { format: "alpaca-eval", mode: "add-outputs" }),
      importText(p, second, { format: "alpaca-eval", mode: "add-outputs" }),
    ]);
    expect(a.result!.outputsAdded + b.result!.outputsAdded).toBe(2);
    expect(a.result).toMatchObject({ received: 3, unmatched: 1, inserted: 0 });
    expect(a.result!.matched + a.result!.duplicates).toBe(2);
    const stored = await storedItems(p.projectId);
    expect(stored.map((s) => (s.outputs as { text: string }[]).map((o) => o.text))).toEqual([["A1", "B1"], ["A2", "B2"], ["A3"]]);
  });

  it("matches by externalId when rows have one; leaves reviewed items and full items alone, saying why", async () => {
    const p = await importProject(templatePresets["pairwise-preference"].template);
    await importText(p, jsonl({ input: "P1", outputs: [{ text: "x" }], externalId: "e1" }, { input: "P2", outputs: Array.from({ length: 10 }, (_, i) => ({ text: `o${i}` })), externalId: "e2" }, { input: "P3", outputs: [{ text: "z" }], externalId: "e3" }));
    const [reviewed] = await db.select({ id: items.id }).from(items).where(eq(items.externalId, "e3"));
    const reviewer = await makeUser();
    await db.insert(annotations).values({ itemId: reviewed!.id, projectId: p.projectId, userId: reviewer.id, templateVersion: 1, values: {}, status: "submitted" });

    const { result } = await importText(
      p,
      jsonl({ input: "ignored: matched by id", outputs: [{ text: "y", model: "m2" }], externalId: "e1" }, { input: "P2", outputs: [{ text: "more" }], externalId: "e2" }, { input: "P3", outputs: [{ text: "late" }], externalId: "e3" }),
      { mode: "add-outputs" },
    );
    expect(result).toMatchObject({ matched: 1, outputsAdded: 1, rejected: 2 });
    const [full, late] = await db.select({ id: items.id }).from(items).where(sql`${items.externalId} in ('e2', 'e3')`).orderBy(items.id);
    expect(result!.errors).toEqual([
      { line: 2, record: 2, field: null, message: `item ${full!.id} would have 11 outputs; at most 10` },
      { line: 3, record: 3, field: null, message: `item ${late!.id} already has submitted annotations, so no outputs are added to it` },
    ]);
  });
});

describe("what the importer checks before it reads a row", () => {
  it("labels need a single-choice question, and must be one of its options", async () => {
    const none = await importProject(templatePresets["pairwise-preference"].template);
    await expect(importItems(db, none.actor, { projectId: none.projectId, input: bytesInput("text,label\nhi,a\n"), format: "classification-csv", origin: "upload" })).rejects.toThrow(
      new ValidationError("This project's template has no single-choice question to put the labels on. Add one (the Classify template has one) and import again."),
    );
    const classify = await importProject(templatePresets.classify.template);
    const { result } = await importText(classify, "text,category\nGreat!,positive\nMeh,so-so\n", { format: "classification-csv" });
    expect(result!.errors).toEqual([{ line: 3, record: 2, field: "category", message: '"category": "so-so" is not an option of the question "label"' }]);
  });

  it("gold preferences need a pairwise question; rows without labels cannot be gold", async () => {
    const classify = await importProject(templatePresets.classify.template);
    await expect(importItems(db, classify.actor, { projectId: classify.projectId, input: bytesInput("{}"), format: "hh-rlhf", gold: true, origin: "upload" })).rejects.toThrow(
      "This project's template has no pairwise question to record the preferences on as gold. Add one and import again.",
    );
    await expect(importItems(db, classify.actor, { projectId: classify.projectId, input: bytesInput("{}"), format: "generic", gold: true, origin: "upload" })).rejects.toThrow(
      "Gold answers come from labels (classification-csv, or a mapped label) or HH preferences (hh-rlhf).",
    );
  });

  it("only roles that may import can", async () => {
    const p = await importProject();
    const outsider = await makeUser();
    await expect(importItems(db, outsider.actor, { projectId: p.projectId, input: bytesInput(jsonl(...rows(1))), origin: "api" })).rejects.toThrow("No such project.");
  });
});

describe("hostile content", () => {
  it("is stored verbatim: SQL fragments, spreadsheet formulas, HTML and script, COPY's escapes", async () => {
    const p = await importProject();
    const hostile = [
      "Robert'); DROP TABLE items;--",
      '=cmd|"/c calc"!A1',
      "+SUM(1,2)",
      "@import",
      '<img src=x onerror="alert(1)"><script>alert(2)</script>',
      "\\u0041 is not unescaped \\\\ twice",
      // COPY's text format (how batches are written) gives these a meaning of their own.
      "a\ttab, a\nnewline and a\rcarriage return",
      "\\N",
      "\\.",
      "back\\slash\\t and \\\\N",
      "emoji 😀, 你好, Grüße",
    ];
    const file = jsonl(...hostile.map((text, i) => ({ input: text, outputs: [{ text, model: text }], reference: text, metadata: { [text]: text }, externalId: `h${i} ${text}` })));
    const { result, stored } = await importText(p, file);
    expect(result).toMatchObject({ inserted: hostile.length, rejected: 0 });
    expect(stored).toEqual(hostile.map((text, i) => ({ externalId: `h${i} ${text}`, input: { type: "text", text }, outputs: [{ text, model: text }], reference: text, metadata: { [text]: text } })));
    expect(await count(p.projectId)).toBe(hostile.length);
  });
});
