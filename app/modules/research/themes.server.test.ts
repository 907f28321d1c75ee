import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, codings } from "~db/schema";
import { db } from "~/db.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { markCoded, removeCoding, setCoding, toggleTheme } from "./codings.server";
import { getComment } from "./comment.server";
import { addComments, researchProject } from "~test/support/research-project";
import { createTheme, deleteTheme, listThemes, mergeThemes, splitTheme, updateTheme } from "./themes.server";

const issuesOf = (p: Promise<unknown>) =>
  p.then(
    () => "done",
    (e: unknown) => (e as ValidationError).issues
  );

describe("the codebook and coding", () => {
  it("keeps names unique per project ignoring case, and nests one level", async () => {
    const p = await researchProject();
    const a = p.researcher.actor;
    const ux = await createTheme(db, a, p.projectId, {
      name: "UX",
      description: "How it feels",
      examples: ["too many clicks"],
    });
    expect(await issuesOf(createTheme(db, a, p.projectId, { name: "ux" }))).toEqual([
      {
        field: "name",
        message: 'A theme named "ux" already exists in this project (names are compared ignoring case).',
      },
    ]);
    const child = await createTheme(db, a, p.projectId, {
      name: "Clicks",
      parentId: ux.id,
    });
    expect(await issuesOf(createTheme(db, a, p.projectId, { name: "Deep", parentId: child.id }))).toEqual([
      {
        field: "parentId",
        message: '"Clicks" is itself under another theme; themes nest one level.',
      },
    ]);
    expect(await issuesOf(updateTheme(db, a, ux.id, { parentId: child.id }))).toEqual([
      {
        field: "parentId",
        message: expect.stringMatching(/itself under another theme|has themes under it/),
      },
    ]);
    await updateTheme(db, a, child.id, {
      name: "Too many clicks",
      parentId: null,
    });
    expect((await listThemes(db, p.engineer.actor, p.projectId)).map((t) => [t.name, t.parentId])).toEqual([
      ["UX", null],
      ["Too many clicks", null],
    ]);
    await expect(createTheme(db, p.engineer.actor, p.projectId, { name: "Eng" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listThemes(db, p.reviewer.actor, p.projectId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateTheme(db, p.outsider.actor, ux.id, { name: "X" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("two coders code one comment without overwriting each other; quotes must fit the comment", async () => {
    const p = await researchProject();
    const [id] = await addComments(p.projectId, [{ comment: "The answer was slow and wrong" }]);
    const theme = await createTheme(db, p.researcher.actor, p.projectId, {
      name: "Speed",
    });
    await Promise.all([
      setCoding(db, p.researcher.actor, id!, {
        themeId: theme.id,
        memo: "A: slow",
        quoteStart: 15,
        quoteEnd: 19,
      }),
      setCoding(db, p.researcher2.actor, id!, {
        themeId: theme.id,
        memo: "B: slow too",
      }),
    ]);
    const view = await getComment(db, p.researcher.actor, id!);
    expect(view.codedByMe).toBe(true);
    expect(view.codings.map((c) => [c.memo, c.mine, c.quoteStart, c.quoteEnd]).sort()).toEqual([
      ["A: slow", true, 15, 19],
      ["B: slow too", false, null, null],
    ]);
    expect(view.comment.slice(15, 19)).toBe("slow");
    expect(
      await issuesOf(
        setCoding(db, p.researcher.actor, id!, {
          themeId: theme.id,
          quoteStart: 20,
          quoteEnd: 99,
        })
      )
    ).toEqual([
      {
        field: "quoteEnd",
        message: "The quote ends after the comment (29 characters).",
      },
    ]);
    expect(
      await issuesOf(
        setCoding(db, p.researcher.actor, id!, {
          themeId: theme.id,
          quoteStart: 5,
          quoteEnd: 2,
        })
      )
    ).toEqual([{ field: "quoteEnd", message: "The quote must end after it starts." }]);
    expect(await toggleTheme(db, p.researcher.actor, id!, theme.id)).toBe(false);
    expect((await db.select().from(codings).where(eq(codings.feedbackId, id!))).map((c) => c.memo)).toEqual(["B: slow too"]);
    await markCoded(db, p.researcher.actor, id!, true);
    expect((await getComment(db, p.researcher.actor, id!)).codedByMe).toBe(true);
    await expect(setCoding(db, p.engineer.actor, id!, { themeId: theme.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(markCoded(db, p.reviewer.actor, id!, true)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeCoding(db, p.outsider.actor, id!, theme.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("merges A into B: codings move, a comment coded with both keeps one with memos joined, children move, audit", async () => {
    const p = await researchProject();
    const r = p.researcher.actor;
    const [both, onlyA] = await addComments(p.projectId, [{ comment: "both" }, { comment: "only A" }]);
    const a = await createTheme(db, r, p.projectId, { name: "Bugs" });
    const b = await createTheme(db, r, p.projectId, { name: "Errors" });
    const child = await createTheme(db, r, p.projectId, {
      name: "Crashes",
      parentId: a.id,
    });
    await setCoding(db, r, both!, { themeId: a.id, memo: "from A" });
    await setCoding(db, r, both!, {
      themeId: b.id,
      memo: "from B",
      quoteStart: 0,
      quoteEnd: 4,
    });
    await setCoding(db, r, onlyA!, { themeId: a.id, memo: "only" });
    await setCoding(db, p.researcher2.actor, both!, {
      themeId: a.id,
      memo: "B's coder",
    });
    expect(await mergeThemes(db, r, a.id, b.id)).toEqual({
      into: b.id,
      codingsMoved: 3,
      childrenMoved: 1,
    });
    const rows = await db.select().from(codings).where(eq(codings.themeId, b.id));
    expect(rows.map((c) => [Number(c.feedbackId) === both ? "both" : "onlyA", c.coderId === p.researcher.id ? "A" : "B", c.memo, c.quoteStart]).sort()).toEqual([
      ["both", "A", "from B\n\nfrom A", 0],
      ["both", "B", "B's coder", null],
      ["onlyA", "A", "only", null],
    ]);
    const list = await listThemes(db, r, p.projectId);
    expect(list.map((t) => [t.name, t.parentId === b.id ? "under Errors" : null, t.comments, t.codings])).toEqual([
      ["Errors", null, 2, 3],
      ["Crashes", "under Errors", 0, 0],
    ]);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "theme.merge"))
      .orderBy(auditLog.id)
      .limit(100)
      .then((all) => all.filter((e) => e.targetId === b.id));
    expect(audit?.data).toMatchObject({
      from: { name: "Bugs" },
      into: { name: "Errors" },
      codingsMoved: 3,
    });
    void child;
  });

  it("splits a theme by chosen comments, keeps or removes the rest, and deletes with a count", async () => {
    const p = await researchProject();
    const r = p.researcher.actor;
    const [x, y, z] = await addComments(p.projectId, [{ comment: "x" }, { comment: "y" }, { comment: "z" }]);
    const theme = await createTheme(db, r, p.projectId, { name: "Quality" });
    for (const id of [x, y, z]) await setCoding(db, r, id!, { themeId: theme.id, memo: `m${id}` });
    expect(
      await issuesOf(
        splitTheme(db, r, theme.id, {
          parts: [{ name: "Accuracy", feedbackIds: [999_999_999] }],
        })
      )
    ).toEqual([
      {
        field: "parts.0.feedbackIds",
        message: 'Comment 999999999 is not coded with "Quality".',
      },
    ]);
    const { created } = await splitTheme(db, r, theme.id, {
      parts: [
        { name: "Accuracy", feedbackIds: [x!] },
        { name: "Tone", feedbackIds: [y!] },
      ],
    });
    expect(created.map((t) => t.name)).toEqual(["Accuracy", "Tone"]);
    expect((await listThemes(db, r, p.projectId)).map((t) => [t.name, t.comments])).toEqual([
      ["Quality", 1],
      ["Accuracy", 1],
      ["Tone", 1],
    ]);
    expect((await db.select().from(codings).where(eq(codings.themeId, created[0]!.id)))[0]!.memo).toBe(`m${x}`);
    const second = await splitTheme(db, r, theme.id, {
      parts: [{ name: "Style", feedbackIds: [z!] }],
      removeOriginal: true,
    });
    expect(second.removedOriginal).toBe(true);
    expect((await listThemes(db, r, p.projectId)).map((t) => t.name)).toEqual(["Accuracy", "Tone", "Style"]);
    expect(await deleteTheme(db, r, created[1]!.id)).toEqual({
      codings: 1,
      children: 0,
    });
    expect((await listThemes(db, r, p.projectId)).map((t) => t.name)).toEqual(["Accuracy", "Style"]);
  });
});
