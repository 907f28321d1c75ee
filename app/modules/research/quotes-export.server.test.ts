import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { quoteSetCsv, quoteSetMarkdown } from "./quotes-export.server";
import { addQuote, createQuoteSet, getQuoteSet, listQuoteSets, moveQuote, removeQuote, reorderQuotes } from "./quotes.server";
import { addComments, researchProject } from "~test/support/research-project";

describe("quote sets", () => {
  it("collects, reorders and removes quotes; exports formula-safe CSV with pseudonyms and no raw user id", async () => {
    const p = await researchProject();
    const r = p.researcher.actor;
    const [evil, nice, third] = await addComments(p.projectId, [
      {
        comment: '=HYPERLINK("http://evil.example","click")',
        userId: "alice@example.com",
        segment: "pro",
        model: "gpt-a",
        scoreKind: "thumbs",
        score: 0,
        occurredAt: new Date("2026-10-02T10:00:00Z"),
      },
      {
        comment: "Great answers, saved me an hour",
        userId: "bob-77",
        segment: "free",
        model: "gpt-b",
        scoreKind: "stars",
        score: 5,
        occurredAt: new Date("2026-10-03T10:00:00Z"),
      },
      { comment: "meh" },
    ]);
    const set = await createQuoteSet(db, r, p.projectId, {
      name: "Q4 report",
      description: "For the *board*",
    });
    await addQuote(db, r, set.id, { feedbackId: evil! });
    await addQuote(db, r, set.id, {
      feedbackId: nice!,
      quoteStart: 0,
      quoteEnd: 13,
      note: "-2+3 the best",
    });
    await addQuote(db, r, set.id, { feedbackId: third! });
    await moveQuote(db, r, set.id, nice!, -1);
    expect(await removeQuote(db, r, set.id, third!)).toBe(true);
    expect((await listQuoteSets(db, p.engineer.actor, p.projectId)).map((s) => [s.name, s.quotes])).toEqual([["Q4 report", 2]]);
    const { quotes } = await getQuoteSet(db, p.engineer.actor, set.id);
    expect(quotes.map((q) => q.text)).toEqual(["Great answers", '=HYPERLINK("http://evil.example","click")']);
    const csv = (await quoteSetCsv(db, p.engineer.actor, set.id)).body;
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe('"position","quote","note","attribution","score","segment","model","date"');
    expect(lines[1]).toMatch(/^"1","Great answers","'-2\+3 the best","User [0-9a-f]{6}","5\/5","free","gpt-b","2026-10-03"$/);
    expect(lines[2]).toMatch(/^"2","'=HYPERLINK\(""http:\/\/evil.example"",""click""\)","","User [0-9a-f]{6}","thumbs down","pro","gpt-a","2026-10-02"$/);
    expect(csv).not.toMatch(/alice|bob-77/);
    // the same user keeps one pseudonym, two users get two
    expect(lines[1]!.match(/User [0-9a-f]{6}/)![0]).not.toBe(lines[2]!.match(/User [0-9a-f]{6}/)![0]);
    await expect(reorderQuotes(db, r, set.id, [nice!])).rejects.toMatchObject({
      issues: [
        {
          field: "order",
          message: "Give every quote of the set exactly once.",
        },
      ],
    });
  });

  it("exports Markdown with plain text escaped, no raw HTML, and attribution", async () => {
    const p = await researchProject();
    const r = p.researcher.actor;
    const [id] = await addComments(p.projectId, [
      {
        comment: "<script>alert(1)</script> **bold** [link](javascript:x)\n# not a heading",
        userId: "u-1",
        segment: "beta",
        occurredAt: new Date("2026-09-09T09:00:00Z"),
      },
    ]);
    const set = await createQuoteSet(db, r, p.projectId, {
      name: "Hostile <b>",
      description: "",
    });
    await addQuote(db, r, set.id, { feedbackId: id!, note: "_note_" });
    const md = await quoteSetMarkdown(db, r, set.id);
    expect(md.name).toBe("hostile-b.md");
    expect(md.body).toMatch(
      /^# Hostile \\<b\\>\n\n> \\<script\\>alert\\\(1\\\)\\<\\\/script\\> \\\*\\\*bold\\\*\\\* \\\[link\\\]\\\(javascript\\:x\\\)\n> \\# not a heading\n>\n> — User [0-9a-f]{6}\\, segment beta\\, 2026\\-09\\-09\n\nNote: \\_note\\_\n$/
    );
    expect(md.body).not.toContain("u-1");
  });

  it("shares a set with project members who read feedback, and nobody else", async () => {
    const p = await researchProject();
    const set = await createQuoteSet(db, p.researcher.actor, p.projectId, {
      name: "Shared",
    });
    expect((await getQuoteSet(db, p.engineer.actor, set.id)).set.name).toBe("Shared");
    await expect(createQuoteSet(db, p.engineer.actor, p.projectId, { name: "No" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getQuoteSet(db, p.reviewer.actor, set.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(quoteSetCsv(db, p.outsider.actor, set.id)).rejects.toBeInstanceOf(NotFoundError);
    const other = await researchProject();
    const [foreign] = await addComments(other.projectId, [{ comment: "elsewhere" }]);
    await expect(addQuote(db, p.researcher.actor, set.id, { feedbackId: foreign! })).rejects.toMatchObject({
      issues: [{ field: "feedbackId", message: "No such comment in this project." }],
    });
  });
});
