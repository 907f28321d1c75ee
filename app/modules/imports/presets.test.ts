import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { csvLine } from "~/utils/csv";
import { splitPreferencePair } from "./hh-dialogue";
import { mapRow } from "./map-row";
import { suggestPreset } from "./presets";
import { openRecords } from "./read-records.server";
import { parseMapPairs, type ImportOptions } from "./schemas";

const none = { template: null, gold: false };
const map = (value: unknown, options: Partial<ImportOptions>) => mapRow(value, { mapping: {}, ...options }, none);

describe("presets fill the mapping for common shapes", () => {
  it("generic: {prompt, output}, {prompt, response}, {input, output}, with a model field when there is one", () => {
    expect(map({ prompt: "Hi", output: "Hello", model: "m1", latency_ms: 12 }, { format: "generic" })).toMatchObject({
      item: expect.objectContaining({ input: "Hi", outputs: [{ text: "Hello", model: "m1" }], metadata: { latency_ms: 12 } }),
    });
    expect(map({ prompt: "Hi", response: "Yo" }, { format: "generic" })).toMatchObject({ item: { input: "Hi", outputs: [{ text: "Yo" }] } });
    expect(map({ input: "Hi", output: "Yo", id: 7 }, { format: "generic" })).toMatchObject({ item: { input: "Hi", externalId: "7" } });
  });

  it("openai-chat: the last assistant message is the output, the rest the input", () => {
    const messages = [
      { role: "system", content: "Be brief" },
      { role: "user", content: [{ type: "text", text: "What is " }, { type: "text", text: "2+2?" }] },
      { role: "assistant", content: "4" },
    ];
    expect(map({ messages, model: "gpt-4o", id: "c1" }, { format: "openai-chat" })).toMatchObject({
      item: { input: { messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "What is 2+2?" }] }, outputs: [{ text: "4", model: "gpt-4o" }], externalId: "c1" },
    });
    expect(map({ messages: messages.slice(0, 2) }, { format: "openai-chat" })).toEqual({ problem: { field: "messages", message: '"messages" has no assistant message to use as the output' } });
    expect(map({ messages: [...messages, { role: "user", content: "and?" }] }, { format: "openai-chat" })).toEqual({
      problem: { field: "messages", message: '"messages": the last assistant message is the output, so it must be the last message' },
    });
  });

  it("pairwise: response_a and response_b, with model_a and model_b", () => {
    expect(map({ prompt: "P", response_a: "A", response_b: "B", model_a: "x", model_b: "y" }, { format: "pairwise" })).toMatchObject({
      item: { input: "P", outputs: [{ text: "A", model: "x" }, { text: "B", model: "y" }], metadata: {} },
    });
    expect(map({ prompt: "P", response_a: "A" }, { format: "pairwise" })).toEqual({ problem: { field: "response_b", message: '"response_b" is missing' } });
  });

  it("a mapping overrides the preset: other columns, a model name or a model field, dotted paths", () => {
    const mapping = parseMapPairs(["input=q.text", "output=a@gpt-4o", "output=b@{who}", "externalId=meta.id"]);
    expect(mapping).toEqual({ input: "q.text", outputs: [{ path: "a", model: "gpt-4o" }, { path: "b", modelPath: "who" }], externalId: "meta.id" });
    expect(map({ q: { text: "Q" }, a: "1", b: "2", who: "claude", meta: { id: "x9" } }, { mapping })).toMatchObject({
      item: { input: "Q", outputs: [{ text: "1", model: "gpt-4o" }, { text: "2", model: "claude" }], externalId: "x9", metadata: {} },
    });
    expect(() => parseMapPairs(["output"])).toThrow('"output": write field=path, e.g. input=question or output=answer@gpt-4o.');
  });

  it("suggests the preset a row looks like", () => {
    expect(suggestPreset({ instruction: "i", output: "o", generator: "g" })).toBe("alpaca-eval");
    expect(suggestPreset({ chosen: "", rejected: "" })).toBe("hh-rlhf");
    expect(suggestPreset({ messages: [] })).toBe("openai-chat");
    expect(suggestPreset({ prompt: "", response_a: "", response_b: "" })).toBe("pairwise");
    expect(suggestPreset({ text: "t", category: "c" })).toBe("classification-csv");
    expect(suggestPreset({ question: "q", answer: "a" })).toBe("generic");
    expect(suggestPreset({ input: "q", outputs: [] })).toBeUndefined();
  });
});

describe("HH dialogues", () => {
  it("split into the shared turns and the two answers, joining an answer's consecutive Assistant turns", () => {
    const chosen = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Tell me a joke\n\nAssistant: No.\n\nAssistant:  Well, one.";
    const rejected = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Tell me a joke\n\nAssistant: Knock knock. Human: who?";
    expect(splitPreferencePair(chosen, rejected)).toEqual({
      input: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Tell me a joke" },
      ],
      chosen: "No.\n\nWell, one.",
      rejected: "Knock knock. Human: who?",
    });
    expect(splitPreferencePair("\n\nHuman: A\n\nAssistant: x", "\n\nHuman: B\n\nAssistant: y")).toEqual({ field: "chosen", problem: 'the two dialogues do not start with the same "Human:" turn' });
    expect(splitPreferencePair("Just text", "\n\nHuman: B")).toEqual({ field: "chosen", problem: 'expected "Human: …" and "Assistant: …" turns' });
  });
});

describe("file types", () => {
  const read = async (content: Buffer | string) => {
    const bytes = Buffer.from(content);
    const opened = await openRecords(
      (async function* () {
        yield bytes;
      })(),
      { limits: { maxRecordBytes: 1e6, maxDepth: 64 } },
    );
    const rows = [];
    for await (const r of opened.records) rows.push(r);
    return { fileType: opened.fileType, rows };
  };

  it("CSV with ; or tab delimiters, RFC 4180 quotes, a BOM, CRLF lines, gzipped", async () => {
    const semicolon = await read('\ufefftext;label\r\n"Say ""hi""; then go";greet\r\n');
    expect(semicolon).toEqual({ fileType: "csv", rows: [{ line: 2, record: 1, value: { text: 'Say "hi"; then go', label: "greet" } }] });
    const tabs = await read(gzipSync(Buffer.from("prompt\toutput\nmulti\n\"line\n prompt\"\tyes\n")));
    expect(tabs.rows.map((r) => ("value" in r ? r.value : r.problem))).toEqual([
      { field: null, message: "expected 2 fields like the header row, found 1" },
      { prompt: "line\n prompt", output: "yes" },
    ]);
  });

  it("JSON arrays and JSON lines, told apart by their first character", async () => {
    expect((await read('  [{"a": 1},\n {"a": "]"}]')).rows).toEqual([
      { line: 1, record: 1, value: { a: 1 } },
      { line: 2, record: 2, value: { a: "]" } },
    ]);
    expect((await read('{"a": 1}\r\n\r\n{"a": 2}')).rows).toEqual([
      { line: 1, record: 1, value: { a: 1 } },
      { line: 3, record: 2, value: { a: 2 } },
    ]);
  });
});

describe("CSV downloads", () => {
  it("quote every cell and defuse spreadsheet formulas", () => {
    expect(csvLine([3, null, '=HYPERLINK("x")', "+1", "-2", "@a", "\tt", 'say "hi"'])).toBe(`"3","","'=HYPERLINK(""x"")","'+1","'-2","'@a","'\tt","say ""hi"""\r\n`);
  });
});
