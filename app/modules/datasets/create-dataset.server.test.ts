import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { handMadeItems, handMadeQuestions, makeDatasetProject } from "~test/support/dataset-project";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { exportBytes } from "~test/support/export-bytes";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { cardMarkdown } from "./card";
import { createDataset } from "./create-dataset.server";
import { getDatasetRecord } from "./queries.server";
import { exportFormats } from "./schemas";

describe("createDataset", () => {
  it("re-exports a snapshot byte for byte after new and edited annotations; a new version sees them", async () => {
    const f = await makeDatasetProject();
    const snapshot = await createDataset(db, f.manager.actor, f.projectId, { name: "Frozen", filter: { status: "any" }, options: { labelQuestion: "intent" } });
    const before = new Map<string, Buffer>();
    for (const format of exportFormats) before.set(format, (await exportBytes(f.manager.actor, snapshot.id, format)).bytes);

    // The world moves on: an edit breaks the tie on item 5, a new item arrives and is answered.
    const [, second] = f.reviewers;
    const [annotation] = await db.execute<{ id: string; version: number }>(`select id, version from annotations where item_id = ${f.itemIds[4]} and user_id = '${second!.id}'`);
    await editAnnotation(db, second!.actor, { annotationId: annotation!.id, values: { quality: 5, intent: "billing" }, version: annotation!.version });
    const added = await addItems(db, f.manager.actor, f.projectId, [{ input: "New question", outputs: [{ text: "New answer" }] }]);
    for (const r of f.reviewers) await submitAnnotation(db, r.actor, { itemId: added.ids[0]!, values: { quality: 5, intent: "other" }, idempotencyKey: `new-${added.ids[0]}-${r.id}` });
    await refreshResolutions(db, f.projectId);

    for (const format of exportFormats) {
      const again = (await exportBytes(f.manager.actor, snapshot.id, format)).bytes;
      expect(again.equals(before.get(format)!), format).toBe(true);
    }
    const next = await createDataset(db, f.manager.actor, f.projectId, { name: "frozen", filter: { status: "any" }, options: { labelQuestion: "intent" } });
    expect(next.version).toBe(2);
    expect(next.counts.items).toBe(7);
    expect(next.contentHash).not.toBe(snapshot.contentHash);
    const csv = (await exportBytes(f.manager.actor, next.id, "classification-csv")).bytes.toString();
    expect(csv).toContain("New answer,other,");
  });

  it("gives an unchanged selection the same content hash in every version, pseudonyms included", async () => {
    const f = await makeDatasetProject();
    const a = await createDataset(db, f.manager.actor, f.projectId, { name: "Same", filter: {}, options: {} });
    const b = await createDataset(db, f.manager.actor, f.projectId, { name: "Same", filter: {}, options: {} });
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(b.contentHash).toBe(a.contentHash);
    expect((await exportBytes(f.manager.actor, b.id, "annotations-jsonl")).bytes.equals((await exportBytes(f.manager.actor, a.id, "annotations-jsonl")).bytes)).toBe(true);
  });

  it("gives snapshots whose exports can differ different content hashes: other options, another template; the card says what the hash covers", async () => {
    const f = await makeDatasetProject();
    const base = { labelQuestion: "intent" };
    const fromOutput = await createDataset(db, f.manager.actor, f.projectId, { name: "Hashes", filter: {}, options: { ...base, textFrom: "output" } });
    const fromInput = await createDataset(db, f.manager.actor, f.projectId, { name: "Hashes", filter: {}, options: { ...base, textFrom: "input" } });
    const csv = async (id: string) => (await exportBytes(f.manager.actor, id, "classification-csv")).bytes;
    expect((await csv(fromOutput.id)).equals(await csv(fromInput.id))).toBe(false);
    expect(fromInput.contentHash).not.toBe(fromOutput.contentHash);

    // An option that changes no line still counts: the hash covers what the exports could be.
    const lowerBar = await createDataset(db, f.manager.actor, f.projectId, { name: "Hashes", filter: {}, options: { ...base, textFrom: "output", approval: { minRating: 1 } } });
    expect(lowerBar.contentHash).not.toBe(fromOutput.contentHash);
    // The same items and options under a template with a wider rating scale: approval means something else.
    await saveTemplate(db, f.manager.actor, f.projectId, { questions: handMadeQuestions.map((q) => (q.key === "quality" ? { ...q, max: 7 } : q)) });
    const otherTemplate = await createDataset(db, f.manager.actor, f.projectId, { name: "Hashes", filter: {}, options: { ...base, textFrom: "output" } });
    expect(otherTemplate.contentHash).not.toBe(fromOutput.contentHash);

    const { card } = await exportBytes(f.manager.actor, fromInput.id, "classification-csv");
    expect(card.dataset.contentHash).toBe(fromInput.contentHash);
    expect(card.dataset.contentHashCovers).toMatch(/^The SHA-256 of the snapshot's options, its review template's questions and every line it froze/);
    expect(cardMarkdown(card)).toContain("The content hash: The SHA-256 of the snapshot's options");
  });

  it("takes every resolved item with an empty filter, and none of the unresolved", async () => {
    const f = await makeDatasetProject();
    const created = await createDataset(db, f.manager.actor, f.projectId, { name: "Default", filter: {}, options: {} });
    // Item 5 is a tie on `intent`, so it has no consensus and is not resolved.
    expect(created.counts).toMatchObject({ items: handMadeItems.length - 1, annotations: 10 });
  });

  it("exports 0 rows as valid empty files with a card that says so", async () => {
    const f = await makeDatasetProject();
    const empty = await createDataset(db, f.manager.actor, f.projectId, { name: "Nothing", filter: { models: ["no-such-model"] }, options: {} });
    expect(empty.counts.items).toBe(0);
    for (const format of exportFormats) {
      const { bytes, card } = await exportBytes(f.manager.actor, empty.id, format);
      expect(card.export).toMatchObject({ rows: 0, empty: true });
      expect(card.notes[0]).toMatch(/^This export has no rows: the snapshot holds no items \(0 matched the filter\)\.$/);
      if (format === "classification-csv") expect(bytes.toString()).toBe("text,label,split\r\n");
      else if (format === "parquet") {
        expect(bytes.subarray(0, 4).toString()).toBe("PAR1");
        expect(await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })).toEqual([]);
      } else expect(bytes.length).toBe(0);
    }
  });

  it("dedups normalized prompts, keeping the oldest, and caps each class", async () => {
    const f = await makeDatasetProject([
      { item: { input: "Where is  my ORDER?", outputs: [{ text: "a" }] }, answers: [{ intent: "shipping" }, { intent: "shipping" }] },
      { item: { input: " where is my order? ", outputs: [{ text: "b" }] }, answers: [{ intent: "shipping" }, { intent: "shipping" }] },
      { item: { input: "Refund please", outputs: [{ text: "c" }] }, answers: [{ intent: "billing" }, { intent: "billing" }] },
      { item: { input: "Refund now", outputs: [{ text: "d" }] }, answers: [{ intent: "billing" }, { intent: "billing" }] },
      { item: { input: "Refund later", outputs: [{ text: "e" }] }, answers: [{ intent: "billing" }, { intent: "billing" }] },
    ]);
    const deduped = await createDataset(db, f.manager.actor, f.projectId, { name: "Dedup", filter: {}, options: { dedup: true } });
    const texts = (await exportBytes(f.manager.actor, deduped.id, "classification-jsonl")).bytes.toString().trim().split("\n").map((l) => JSON.parse(l).text);
    expect(texts.sort()).toEqual(["a", "c", "d", "e"]);
    const capped = await createDataset(db, f.manager.actor, f.projectId, { name: "Cap", filter: {}, options: { dedup: true, maxPerClass: 2 } });
    const { card } = await exportBytes(f.manager.actor, capped.id, "classification-csv");
    expect(card.items).toMatchObject({ matched: 5, dedupRemoved: 1, capRemoved: 1, total: 3 });
    expect(card.labels!.distribution.map((l) => [l.label, l.total])).toEqual([["billing", 2], ["shipping", 1]]);
  });

  it("redacts PII in inputs, outputs, consensus and annotations when asked, and counts it", async () => {
    const f = await makeDatasetProject([
      {
        item: { input: "I am ada@example.com, card 4111 1111 1111 1111", outputs: [{ text: "Call +44 20 7946 0958 from 10.0.0.1" }] },
        answers: [{ intent: "billing", correction: { text: "Write to ada@example.com" } }, { intent: "billing", correction: { text: "Write to ada@example.com" } }],
      },
    ]);
    const plain = await createDataset(db, f.manager.actor, f.projectId, { name: "Plain", filter: {}, options: {} });
    expect((await exportBytes(f.manager.actor, plain.id, "openai-chat")).bytes.toString()).toContain("ada@example.com");
    const redacted = await createDataset(db, f.manager.actor, f.projectId, { name: "Redacted", filter: {}, options: { redactPii: true, preferenceFromCorrections: true } });
    for (const format of ["openai-chat", "dpo", "annotations-jsonl", "classification-csv"] as const) {
      const text = (await exportBytes(f.manager.actor, redacted.id, format)).bytes.toString();
      expect(text, format).not.toMatch(/ada@example|4111|7946|10\.0\.0\.1/);
    }
    expect((await exportBytes(f.manager.actor, redacted.id, "openai-chat")).bytes.toString()).toContain('"I am [EMAIL], card [CARD]"');
    const { card } = await exportBytes(f.manager.actor, redacted.id, "openai-chat");
    // input email + card, output phone + ip, the consensus correction's email and both annotations' emails
    expect(card.redactions).toEqual({ enabled: true, email: 4, card: 1, phone: 1, ip: 1, iban: 0 });
  });

  it("takes an item's prompt as classifier text by default when it has no output, its first output otherwise; the card says which", async () => {
    const f = await makeDatasetProject(
      [
        { item: { input: "My card has not arrived", outputs: [] }, answers: [{ intent: "shipping" }, { intent: "shipping" }] },
        { item: { input: { messages: [{ role: "system", content: "Classify." }, { role: "user", content: "Refund me" }] }, outputs: [] }, answers: [{ intent: "billing" }, { intent: "billing" }] },
        { item: { input: "Summarize the invoice", outputs: [{ text: "You owe 12 EUR." }] }, answers: [{ intent: "billing" }, { intent: "billing" }] },
      ],
      [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] }],
    );
    const split = { train: 1, validation: 0, test: 0, seed: 1 };
    const byDefault = await createDataset(db, f.manager.actor, f.projectId, { name: "Default text", filter: {}, options: { split } });
    const { bytes, card } = await exportBytes(f.manager.actor, byDefault.id, "classification-csv");
    expect(bytes.toString()).toBe("text,label,split\r\nMy card has not arrived,shipping,train\r\nRefund me,billing,train\r\nYou owe 12 EUR.,billing,train\r\n");
    expect(card.export).toMatchObject({ rows: 3, invalid: { count: 0 }, text: "The output, or the prompt when an item has no output" });
    expect(cardMarkdown(card)).toContain("**3 rows**. Text: the output, or the prompt when an item has no output.");

    // Asked for outputs only, the items without one break the format's rules, and the card lists them.
    const outputsOnly = await createDataset(db, f.manager.actor, f.projectId, { name: "Outputs", filter: {}, options: { split, textFrom: "output" } });
    const strict = await exportBytes(f.manager.actor, outputsOnly.id, "classification-jsonl");
    expect(strict.bytes.toString()).toBe(`{"text":"You owe 12 EUR.","label":"billing","split":"train"}\n`);
    expect(strict.card.export.invalid.listed.map((r) => r.reason)).toEqual(["empty output text", "empty output text"]);
    const prompts = await createDataset(db, f.manager.actor, f.projectId, { name: "Prompts", filter: {}, options: { split, textFrom: "input" } });
    expect((await exportBytes(f.manager.actor, prompts.id, "classification-csv")).bytes.toString()).toContain("\r\nSummarize the invoice,billing,train\r\n");
  });

  it("deleting a project deletes its snapshots and every line of them", async () => {
    const f = await makeDatasetProject(handMadeItems.slice(0, 2));
    const snapshot = await createDataset(db, f.manager.actor, f.projectId, { name: "Gone soon", filter: {}, options: {} });
    const lines = async () =>
      (await db.execute<{ n: number }>(`select (select count(*) from dataset_lines where dataset_id = '${snapshot.id}') + (select count(*) from dataset_item_chunks where dataset_id = '${snapshot.id}') as n`))[0]!.n;
    expect(Number(await lines())).toBeGreaterThan(1);
    await db.execute(`delete from projects where id = '${f.projectId}'`);
    expect(Number(await lines())).toBe(0);
  });

  it("refuses unknown questions, reviewers and strangers, and keeps nothing", async () => {
    const f = await makeDatasetProject(handMadeItems.slice(0, 1));
    const bad = createDataset(db, f.manager.actor, f.projectId, { name: "Bad", filter: { ratings: [{ question: "nope", min: 3 }] }, options: {} });
    await expect(bad).rejects.toThrow(ValidationError);
    await expect(bad).rejects.toMatchObject({ issues: [{ field: "filter.ratings.0.question", message: "Expected the key of a rating question of this project." }] });
    await expect(createDataset(db, f.manager.actor, f.projectId, { name: "Bad", filter: {}, options: { labelQuestion: "quality" } })).rejects.toMatchObject({
      issues: [{ field: "options.labelQuestion" }],
    });
    await expect(createDataset(db, f.manager.actor, f.projectId, { name: "", filter: {}, options: { split: { train: 0.5, validation: 0.1, test: 0.1 } } })).rejects.toMatchObject({
      issues: expect.arrayContaining([{ field: "name", message: "Name the dataset." }, { field: "options.split", message: "Train, validation and test must add up to 100%." }]),
    });
    await expect(createDataset(db, f.reviewers[0]!.actor, f.projectId, { name: "Mine", filter: {}, options: {} })).rejects.toThrow(ForbiddenError);
    const stranger = await makeUser();
    await expect(createDataset(db, stranger.actor, f.projectId, { name: "Mine", filter: {}, options: {} })).rejects.toThrow(NotFoundError);
    const engineer = await makeUser();
    await addMember(db, f.manager.actor, f.projectId, { email: engineer.email, role: "engineer" });
    await expect(createDataset(db, engineer.actor, f.projectId, { name: "Engineered", filter: {}, options: {} })).resolves.toMatchObject({ version: 1 });
    const [row] = await db.execute<{ count: number }>(`select count(*)::int as count from datasets where project_id = '${f.projectId}' and name <> 'Engineered'`);
    expect(row?.count).toBe(0);
  });
});

describe("the format a dataset is made for", () => {
  it("is kept with the snapshot for its page to open on, is not part of the content, and must be a format Loupe has", async () => {
    const f = await makeDatasetProject();
    const chat = await createDataset(db, f.manager.actor, f.projectId, { name: "Made for DPO", filter: { status: "any" }, format: "dpo" });
    const plain = await createDataset(db, f.manager.actor, f.projectId, { name: "Made for DPO", filter: { status: "any" } });

    expect((await getDatasetRecord(db, f.manager.actor, chat.id, "datasets.export")).format).toBe("dpo");
    expect((await getDatasetRecord(db, f.manager.actor, plain.id, "datasets.export")).format).toBeNull();
    expect(plain.contentHash).toBe(chat.contentHash);
    await expect(createDataset(db, f.manager.actor, f.projectId, { name: "Bad", format: "xlsx" as never })).rejects.toMatchObject({
      issues: [{ field: "format", message: expect.stringContaining("Expected format to be one of: openai-chat") }],
    });
  });
});
