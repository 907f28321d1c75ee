import { describe, expect, it } from "vitest";
import { codingSampleCoders, codingSampleItems, codingSamples } from "~db/schema";
import { db } from "~/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { markCoded, setCoding } from "./codings.server";
import { getComment } from "./comment.server";
import { COUNT_BOUND, listInbox, WALK_ROWS } from "./inbox.server";
import { addComments, researchProject } from "~test/support/research-project";
import { createTheme, listThemes } from "./themes.server";

const texts = (page: { rows: { comment: string }[] }) => page.rows.map((r) => r.comment);

describe("the inbox", () => {
  it("finds stems and typos, exact matches first, and combines filters", async () => {
    const p = await researchProject();
    await addComments(p.projectId, [
      {
        comment: "The suggestions were wrong",
        scoreKind: "thumbs",
        score: 0,
        segment: "pro",
        model: "gpt-a",
      },
      {
        comment: "Loved the suggestion for my email",
        scoreKind: "thumbs",
        score: 1,
        segment: "free",
        model: "gpt-a",
      },
      {
        comment: "Nothing useful here",
        scoreKind: "stars",
        score: 2,
        segment: "pro",
        model: "gpt-b",
      },
      {
        comment: "Sugestion list too long",
        scoreKind: "stars",
        score: 4,
        segment: "pro",
        model: "gpt-b",
      },
    ]);
    const r = p.researcher.actor;
    // "suggestions" finds "suggestion" by stem, and "Sugestion" (a typo in the comment) by trigram, after the exact ones.
    const found = await listInbox(db, r, p.projectId, { q: "suggestions" });
    expect(texts(found)).toEqual(["Loved the suggestion for my email", "The suggestions were wrong", "Sugestion list too long"]);
    expect(found.rows.map((row) => row.exact)).toEqual([true, true, false]);
    expect(found.countLabel).toBe("3");
    // a typo in the search still finds them
    expect(texts(await listInbox(db, r, p.projectId, { q: "sugestions" }))).toContain("The suggestions were wrong");
    expect(texts(await listInbox(db, r, p.projectId, { q: "suggestion", score: "down" }))).toEqual(["The suggestions were wrong"]);
    expect(
      texts(
        await listInbox(db, r, p.projectId, {
          segment: "pro",
          model: "gpt-b",
          score: "4",
        })
      )
    ).toEqual(["Sugestion list too long"]);
    expect(
      texts(
        await listInbox(db, r, p.projectId, {
          from: "2026-11-01",
          to: "2026-11-01",
          score: "up",
        })
      )
    ).toEqual(["Loved the suggestion for my email"]);
    expect(texts(await listInbox(db, r, p.projectId, { from: "2026-11-02" }))).toEqual([]);
    expect(texts(await listInbox(db, r, p.projectId, { q: "zebra" }))).toEqual([]);
  });

  it("pages by keyset with no duplicates or gaps while comments arrive, and bounds the count", async () => {
    const p = await researchProject();
    await addComments(
      p.projectId,
      Array.from({ length: 25 }, (_, i) => ({ comment: `comment ${i}` }))
    );
    const r = p.researcher.actor;
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const page: Awaited<ReturnType<typeof listInbox>> = await listInbox(db, r, p.projectId, {}, cursor, 7);
      seen.push(...texts(page));
      // newer comments arriving meanwhile go above the first page, and push nothing into later ones
      await addComments(p.projectId, [
        {
          comment: `late ${round++}`,
          occurredAt: new Date("2026-12-01T00:00:00Z"),
        },
      ]);
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `comment ${24 - i}`));
    const many = await researchProject();
    await addComments(
      many.projectId,
      Array.from({ length: COUNT_BOUND + 5 }, (_, i) => ({ comment: `n ${i}` }))
    );
    expect((await listInbox(db, many.researcher.actor, many.projectId, {}, null, 1)).countLabel).toBe("10,000+");
  });

  it("finds matches older than the newest comments it first reads in time order, exact and fuzzy, paged and counted", async () => {
    const p = await researchProject();
    // The two matches are the oldest; WALK_ROWS + 100 newer comments come after them.
    await addComments(p.projectId, [{ comment: "a quokka smiled" }, { comment: "the quokka left" }, ...Array.from({ length: WALK_ROWS + 100 }, (_, i) => ({ comment: `filler ${i}` }))]);
    const first = await listInbox(db, p.researcher.actor, p.projectId, { q: "quokka" }, null, 1);
    expect(texts(first)).toEqual(["the quokka left"]);
    // Past the walk, fuzzy matches are counted among the newest comments only: a lower bound.
    expect(first.countLabel).toBe("2+");
    const second = await listInbox(db, p.researcher.actor, p.projectId, { q: "quokka" }, first.next, 1);
    expect(texts(second)).toEqual(["a quokka smiled"]);
    expect(second.next).toBeNull();
    const typo = await listInbox(db, p.researcher.actor, p.projectId, { q: "quoka" });
    expect(texts(typo)).toEqual(["the quokka left", "a quokka smiled"]);
    expect(typo.rows.every((r) => !r.exact)).toBe(true);
    expect(typo.countLabel).toBe("2");
    expect((await listInbox(db, p.researcher.actor, p.projectId, { q: "wombat" })).countLabel).toBe("0");
  }, 60_000);

  it("filters by theme (a parent includes its children) and by coded, by me or by anyone", async () => {
    const p = await researchProject();
    const [a, b, c] = await addComments(p.projectId, [{ comment: "slow" }, { comment: "wrong" }, { comment: "fine" }]);
    const perf = await createTheme(db, p.researcher.actor, p.projectId, {
      name: "Performance",
    });
    const latency = await createTheme(db, p.researcher.actor, p.projectId, {
      name: "Latency",
      parentId: perf.id,
    });
    await setCoding(db, p.researcher.actor, a!, { themeId: latency.id });
    await markCoded(db, p.researcher2.actor, b!, true);
    const r = p.researcher.actor;
    expect(texts(await listInbox(db, r, p.projectId, { theme: perf.id }))).toEqual(["slow"]);
    expect(texts(await listInbox(db, r, p.projectId, { coded: "me" }))).toEqual(["slow"]);
    expect(texts(await listInbox(db, r, p.projectId, { coded: "not-me" }))).toEqual(["fine", "wrong"]);
    expect(texts(await listInbox(db, r, p.projectId, { coded: "anyone" }))).toEqual(["wrong", "slow"]);
    expect(texts(await listInbox(db, r, p.projectId, { coded: "none" }))).toEqual(["fine"]);
    void c;
  });

  it("in an open blind sample, a coder sees only their own codings and coded marks", async () => {
    const p = await researchProject();
    const [one, two] = await addComments(p.projectId, [{ comment: "one" }, { comment: "two" }]);
    const theme = await createTheme(db, p.researcher.actor, p.projectId, {
      name: "Trust",
    });
    const [sample] = await db.insert(codingSamples).values({ projectId: p.projectId, name: "Round 1" }).returning();
    await db.insert(codingSampleItems).values([
      { sampleId: sample!.id, feedbackId: one!, position: 0 },
      { sampleId: sample!.id, feedbackId: two!, position: 1 },
    ]);
    await db.insert(codingSampleCoders).values([
      { sampleId: sample!.id, userId: p.researcher.id },
      { sampleId: sample!.id, userId: p.researcher2.id },
    ]);
    await setCoding(db, p.researcher.actor, one!, {
      themeId: theme.id,
      memo: "A's memo",
    });
    const b = p.researcher2.actor;
    const view = await listInbox(db, b, p.projectId, { sample: sample!.id });
    expect(view.rows.map((r) => [r.comment, r.themes, r.coders, r.codedByMe])).toEqual([
      ["two", [], 0, false],
      ["one", [], 0, false],
    ]);
    expect(texts(await listInbox(db, b, p.projectId, { theme: theme.id }))).toEqual([]);
    expect(texts(await listInbox(db, b, p.projectId, { coded: "anyone" }))).toEqual([]);
    expect((await getComment(db, b, one!)).codings).toEqual([]);
    expect((await listThemes(db, b, p.projectId)).map((t) => [t.name, t.comments, t.codings])).toEqual([["Trust", 0, 0]]);
    expect((await listThemes(db, p.manager.actor, p.projectId)).map((t) => [t.name, t.comments, t.codings])).toEqual([["Trust", 1, 1]]);
    // A sees their own work; someone who is not a coder of the sample sees A's work outside the sample view
    expect((await getComment(db, p.researcher.actor, one!)).codings).toEqual([expect.objectContaining({ memo: "A's memo", mine: true })]);
    expect((await listInbox(db, p.manager.actor, p.projectId, { theme: theme.id })).rows.map((r) => r.comment)).toEqual(["one"]);
    expect(
      (
        await listInbox(db, p.manager.actor, p.projectId, {
          sample: sample!.id,
          theme: theme.id,
        })
      ).rows
    ).toEqual([]);
  });

  it("lets engineers read, refuses reviewers, and hides the project from outsiders", async () => {
    const p = await researchProject();
    const [id] = await addComments(p.projectId, [{ comment: "hello", userId: "customer-42@example.com" }]);
    const page = await listInbox(db, p.engineer.actor, p.projectId, {});
    expect(page.rows[0]!.author.label).toMatch(/^User [0-9a-f]{6}$/);
    expect(JSON.stringify(page)).not.toContain("customer-42");
    await expect(listInbox(db, p.reviewer.actor, p.projectId, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listInbox(db, p.outsider.actor, p.projectId, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(getComment(db, p.outsider.actor, id!)).rejects.toBeInstanceOf(NotFoundError);
  });
});
