import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { codeComment, makeResearchProject } from "~test/support/research-insight-project";
import { startLlmStub, type LlmStub, type StubRequest } from "../../../scripts/llm-stub/server";
import { checkAnswer, findQuote } from "./suggest-themes";
import { decideSuggestion, listPendingSuggestions, suggestThemes } from "./suggest-themes.server";

// why: the provider is the one network Loupe does not own; the stub speaks the OpenAI wire format over real HTTP to the real `openai` client.
let stub: LlmStub;
/** What the stub answers, by a word of the comment it was asked about. */
let answers: Record<string, unknown> = {};

const commentOf = (r: StubRequest) => /<<<\n([\s\S]*)\n>>>/.exec(JSON.stringify((r.body as { messages: { content: string }[] }).messages[1]!.content).slice(1, -1).replace(/\\n/g, "\n"))?.[1] ?? "";

beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub({
    respond: (r) => {
      if (r.path !== "/v1/chat/completions") return undefined;
      const comment = commentOf(r);
      const key = Object.keys(answers).find((k) => comment.includes(k));
      const answer = key ? answers[key] : { themes: [] };
      return typeof answer === "number" ? { status: answer } : { content: typeof answer === "string" ? answer : JSON.stringify(answer) };
    },
  });
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());

async function setup() {
  const f = await makeResearchProject([
    { comment: "It took ages to answer and then it was plain wrong.", occurredAt: new Date("2026-11-05T00:00:00Z") },
    { comment: "The bot   was RUDE to me.", occurredAt: new Date("2026-11-04T00:00:00Z") },
    { comment: "Invented a fact about Paris.", occurredAt: new Date("2026-11-03T00:00:00Z") },
    { comment: "Broken comment", occurredAt: new Date("2026-11-02T00:00:00Z") },
    { comment: "Already coded, took ages", occurredAt: new Date("2026-11-01T00:00:00Z") },
  ]);
  const admin = await makeUser({ isAdmin: true });
  const provider = await createProvider(db, admin.actor, stubProviderInput(stub));
  await codeComment(f.projectId, f.ann.id, f.feedbackIds[4]!, []);
  return { ...f, provider };
}

describe("findQuote and checkAnswer", () => {
  it("finds a quote exactly, or ignoring case and white space, and never one that is not there", () => {
    expect(findQuote("The bot   was RUDE to me.", "was rude")).toEqual({ start: 10, end: 18 });
    expect(findQuote("took ages", "“took ages”")).toEqual({ start: 0, end: 9 });
    expect(findQuote("took ages", "took hours")).toBeNull();
    expect(checkAnswer("not json", [], "x")).toEqual({ ok: false, error: "The answer is not JSON." });
    expect(checkAnswer('{"themes": "slow"}', [], "x")).toMatchObject({ ok: false });
  });
});

describe("suggestThemes", () => {
  it("asks the provider about uncoded comments and stores only known themes with quotes that occur, counting what it dropped and failed", async () => {
    const f = await setup();
    answers = {
      "took ages": { themes: [{ name: "Slow", quote: "took ages", why: "It says it was slow." }, { name: "wrong answer", quote: "plain wrong", why: "Says wrong." }, { name: "Billing", quote: "ages", why: "?" }] },
      RUDE: { themes: [{ name: "Tone", quote: "was rude to me", why: "Rudeness." }] },
      Paris: { themes: [{ name: "Wrong answer", quote: "invented a fact about London", why: "Made up." }] },
      Broken: 500,
    };
    const report = await suggestThemes(db, f.manager.actor, f.projectId, { providerId: f.provider.id, model: "loupe-stub-small", filter: {} }, { backoffBaseMs: 1 });
    expect(report).toMatchObject({ asked: 4, stored: 3, droppedUnknownTheme: 1, droppedQuoteNotFound: 1, costComplete: true });
    expect(report.failed).toEqual([{ feedbackId: f.feedbackIds[3], error: expect.stringContaining("500") }]);
    expect(report.tokens.input).toBeGreaterThan(0);
    expect(report.costUsd).toBeGreaterThan(0);
    // The comment Ann finished was not asked about; the failing one was tried 3 times.
    const asked = stub.requests.filter((r) => r.path === "/v1/chat/completions").map(commentOf);
    expect(asked.some((c) => c.includes("Already coded"))).toBe(false);
    expect(asked.filter((c) => c.includes("Broken"))).toHaveLength(3);
    expect((stub.requests[0]!.body as { response_format: { type: string } }).response_format.type).toBe("json_schema");

    const { suggestions, total } = await listPendingSuggestions(db, f.ann.actor, f.projectId);
    expect(total).toBe(3);
    const rude = suggestions.find((s) => s.theme === "Tone")!;
    expect(rude.comment.slice(rude.quoteStart!, rude.quoteEnd!)).toBe("was RUDE to me");
    expect(rude.source).toContain("loupe-stub-small");

    // Asking again asks only about what has no suggestion yet (the failed comment and the one with only dropped answers).
    stub.reset();
    const again = await suggestThemes(db, f.engineer.actor, f.projectId, { providerId: f.provider.id, model: "loupe-stub-small" }, { backoffBaseMs: 1 });
    expect(again.asked).toBe(2);
  });

  it("is refused to researchers (running costs money) and for an unknown model", async () => {
    const f = await setup();
    await expect(suggestThemes(db, f.ann.actor, f.projectId, { providerId: f.provider.id, model: "loupe-stub-small" })).rejects.toThrow("Only managers and engineers can run LLM generations and judges");
    await expect(suggestThemes(db, f.manager.actor, f.projectId, { providerId: f.provider.id, model: "gpt-9" })).rejects.toThrow("not gpt-9");
    expect(stub.requests).toHaveLength(0);
  });
});

describe("decideSuggestion", () => {
  it("accepting codes the comment for the accepting researcher with origin llm and the quote; rejecting codes nothing; twice is a conflict", async () => {
    const f = await setup();
    answers = { "took ages": { themes: [{ name: "Slow", quote: "took ages", why: "Slow." }, { name: "Wrong answer", quote: "plain wrong", why: "Wrong." }] } };
    await suggestThemes(db, f.manager.actor, f.projectId, { providerId: f.provider.id, model: "loupe-stub-small" }, { backoffBaseMs: 1 });
    const { suggestions } = await listPendingSuggestions(db, f.ann.actor, f.projectId);
    const slow = suggestions.find((s) => s.theme === "Slow")!;
    const wrong = suggestions.find((s) => s.theme === "Wrong answer")!;
    await expect(decideSuggestion(db, f.engineer.actor, slow.id, { decision: "accept" })).rejects.toThrow("Only managers and researchers can code feedback into themes");
    expect(await decideSuggestion(db, f.ann.actor, slow.id, { decision: "accept" })).toMatchObject({ state: "accepted", coding: { coderId: f.ann.id, origin: "llm" } });
    expect(await decideSuggestion(db, f.ann.actor, wrong.id, { decision: "reject" })).toMatchObject({ state: "rejected", coding: null });
    await expect(decideSuggestion(db, f.ben.actor, slow.id, { decision: "reject" })).rejects.toThrow("already accepted");
    const rows = await db.query.codings.findMany({ where: (t, { eq }) => eq(t.feedbackId, slow.feedbackId) });
    expect(rows.map((r) => [r.themeId, r.coderId, r.origin, r.quoteStart, r.quoteEnd])).toEqual([[f.themes.slow, f.ann.id, "llm", 3, 12]]);
    expect((await listPendingSuggestions(db, f.ann.actor, f.projectId)).total).toBe(0);
  });
});
