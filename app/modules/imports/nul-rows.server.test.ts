import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { imports } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { templatePresets } from "~/modules/templates/presets";
import type { TemplateInput } from "~/modules/templates/schemas";
import * as itemsRoute from "~/routes/api.v1.projects.$projectId.items";
import { importProject, importText, jsonl, storedItems } from "./test-helpers";

// PostgreSQL refuses U+0000 in text and jsonb: a row that holds one (only a JSON `\u0000` escape
// can bring it; a raw NUL byte is refused when the row is read) is rejected by line and field.
const nul = (field: string) => `"${field}": text cannot contain the NUL character (\\u0000)`;
const good = (n: number) => ({ input: `Good prompt ${n}`, outputs: [{ text: `Good answer ${n}` }] });

async function keyedProject() {
  const p = await importProject(templatePresets.classify.template as TemplateInput);
  return { ...p, key: (await createApiKey(db, p.actor, { name: "nul rows" })).key };
}

async function post(p: { key: string; projectId: string }, type: string, body: string, query = "") {
  const request = new Request(`http://loupe.test/api/v1/projects/${p.projectId}/items${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.key}`, "content-type": type },
    body,
  });
  const response = await itemsRoute.action({ request, params: { projectId: p.projectId }, context: {} } as never);
  return { status: response.status, json: await response.json() };
}

describe("rows holding a NUL character", () => {
  it("through the API stream: each is rejected with its line and the exact field, and the good rows go in", async () => {
    const p = await keyedProject();
    const rows = [
      JSON.stringify(good(1)),
      '{"input": "a\\u0000b", "outputs": [{"text": "x"}]}',
      '{"input": "fine", "outputs": [{"text": "ok"}, {"text": "x\\u0000"}]}',
      '{"input": "fine", "outputs": [{"text": "x", "model": "m\\u0000"}]}',
      '{"input": "fine", "outputs": [], "metadata": {"trace": {"k\\u0000": 1}}}',
      '{"input": "fine", "outputs": [], "suggestions": [{"question": "label", "value": "positive", "source": "judge\\u0000"}]}',
      '{"input": {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "\\u0000"}]}, "outputs": []}',
      JSON.stringify(good(8)),
    ];
    const answer = await post(p, "application/x-ndjson", jsonl(...rows));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ received: 8, inserted: 2, rejected: 6 });
    expect(answer.json.errors).toEqual([
      { line: 2, record: 2, field: "input", message: nul("input") },
      { line: 3, record: 3, field: "outputs.1.text", message: nul("outputs.1.text") },
      { line: 4, record: 4, field: "outputs.0.model", message: nul("outputs.0.model") },
      { line: 5, record: 5, field: "metadata.trace.k\\u0000", message: nul("metadata.trace.k\\u0000") },
      { line: 6, record: 6, field: "suggestions.0.source", message: nul("suggestions.0.source") },
      { line: 7, record: 7, field: "input.messages.1.content", message: nul("input.messages.1.content") },
    ]);
    expect((await storedItems(p.projectId)).map((i) => i.input)).toEqual([
      { type: "text", text: "Good prompt 1" },
      { type: "text", text: "Good prompt 8" },
    ]);
    const [row] = await db.select().from(imports).where(eq(imports.id, answer.json.importId));
    expect(row).toMatchObject({ state: "succeeded", inserted: 2, rejected: 6 });
  });

  it("through the JSON-array API: the request is refused as a whole (all or nothing), naming the item and field; nothing goes in", async () => {
    const p = await keyedProject();
    const body = `[${JSON.stringify(good(1))}, {"input": "fine", "outputs": [], "suggestions": [{"question": "label", "value": "positive", "source": "judge\\u0000"}]}]`;
    const answer = await post(p, "application/json", body);
    expect(answer).toMatchObject({ status: 400, json: { issues: [{ field: "1.suggestions.0.source", message: nul("suggestions.0.source") }] } });
    expect(await storedItems(p.projectId)).toEqual([]);
  });

  it("through a preset (as an uploaded file is read): the error names the row's own field", async () => {
    const p = await importProject();
    const alpaca = await importText(
      p,
      jsonl(
        { instruction: "Q1", output: "A1", generator: "m" },
        '{"instruction": "Q2", "output": "A\\u00002", "generator": "m"}',
        '{"instruction": "Q3", "output": "A3", "generator": "m", "judge_note": "bad\\u0000"}',
      ),
      { format: "alpaca-eval" },
    );
    expect(alpaca.result!.errors).toEqual([
      { line: 2, record: 2, field: "output", message: nul("output") },
      { line: 3, record: 3, field: "judge_note", message: nul("judge_note") },
    ]);
    const chat = await importText(p, jsonl({ messages: [{ role: "user", content: "Hi\u0000" }, { role: "assistant", content: "Hello" }] }, { messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hey" }] }), {
      format: "openai-chat",
    });
    expect(chat.result!.errors).toEqual([{ line: 1, record: 1, field: "messages.0.content", message: nul("messages.0.content") }]);
    expect(chat.result).toMatchObject({ inserted: 1, rejected: 1 });
  });

  it("in a mapped field's name (?map=): a 400 naming it, not a server error", async () => {
    const p = await keyedProject();
    const answer = await post(p, "text/csv", "question,answer\nQ,A\n", "?map=input=ques%00tion&map=output=answer");
    // why: the API refuses a NUL in any query parameter before the importer sees the mapping.
    expect(answer).toMatchObject({ status: 400, json: { issues: [{ field: "query.map", message: expect.stringContaining("NUL character") }] } });
    expect(await db.select().from(imports).where(eq(imports.projectId, p.projectId))).toEqual([]);
  });
});
