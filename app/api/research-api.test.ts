import { describe, expect, it } from "vitest";
import { codingSampleCoders, codingSampleItems, codingSamples } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addComments, researchProject } from "~test/support/research-project";
import * as codingsRoute from "~/routes/api.v1.feedback.$feedbackId.codings";
import * as feedbackRoute from "~/routes/api.v1.projects.$projectId.feedback";
import * as quoteSetsRoute from "~/routes/api.v1.projects.$projectId.quote-sets";
import * as themesRoute from "~/routes/api.v1.projects.$projectId.themes";
import * as exportRoute from "~/routes/api.v1.quote-sets.$setId.export";
import * as itemsRoute from "~/routes/api.v1.quote-sets.$setId.items";
import * as mergeRoute from "~/routes/api.v1.themes.$themeId.merge";
import * as inboxPage from "~/routes/projects.$projectId_.feedback._index/route";

type Route = { loader: (args: never) => Promise<Response> };

async function call(route: Route, method: string, url: string, params: Record<string, string>, key: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await route.loader({
    request,
    params,
    context: {},
  } as never);
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : undefined;
  return { status: response.status, json, text, headers: response.headers };
}

describe("the research API", () => {
  it("a researcher searches, codes, merges themes and exports a quote set; an engineer reads but may not code; reviewers and strangers are refused", async () => {
    const p = await researchProject();
    const key = async (u: { actor: Parameters<typeof createApiKey>[1] }) => (await createApiKey(db, u.actor, { name: "k" })).key;
    const [r, eng, rev, out] = [await key(p.researcher), await key(p.engineer), await key(p.reviewer), await key(p.outsider)];
    const [id] = await addComments(p.projectId, [
      {
        comment: "The suggestions are far too long",
        userId: "carol@example.com",
        segment: "pro",
      },
      { comment: "fine" },
    ]);
    const pid = { projectId: p.projectId };

    const found = await call(feedbackRoute, "GET", `/api/v1/projects/${p.projectId}/feedback?q=sugestion`, pid, eng);
    expect(found.status).toBe(200);
    expect(found.json.comments.map((c: { comment: string; author: { label: string } }) => c.comment)).toEqual(["The suggestions are far too long"]);
    expect(JSON.stringify(found.json)).not.toContain("carol");
    expect((await call(feedbackRoute, "GET", `/api/v1/projects/${p.projectId}/feedback?score=7`, pid, r)).json.issues[0].field).toBe("query.score");
    expect((await call(feedbackRoute, "GET", `/api/v1/projects/${p.projectId}/feedback`, pid, rev)).status).toBe(403);
    expect((await call(feedbackRoute, "GET", `/api/v1/projects/${p.projectId}/feedback`, pid, out)).status).toBe(404);

    const a = await call(themesRoute, "POST", `/api/v1/projects/${p.projectId}/themes`, pid, r, { name: "Length" });
    const b = await call(themesRoute, "POST", `/api/v1/projects/${p.projectId}/themes`, pid, r, { name: "Verbosity" });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await call(themesRoute, "POST", `/api/v1/projects/${p.projectId}/themes`, pid, r, { name: "LENGTH" })).json.issues).toEqual([
      { field: "name", message: expect.stringContaining("already exists") },
    ]);
    expect((await call(themesRoute, "POST", `/api/v1/projects/${p.projectId}/themes`, pid, eng, { name: "Eng" })).status).toBe(403);

    const fid = { feedbackId: String(id) };
    const coded = await call(codingsRoute, "PUT", `/api/v1/feedback/${id}/codings`, fid, r, { themeId: a.json.id, memo: "too long", quoteStart: 4, quoteEnd: 15 });
    expect(coded.status).toBe(200);
    expect(coded.json).toMatchObject({
      codedByMe: true,
      codings: [
        {
          themeId: a.json.id,
          memo: "too long",
          quoteStart: 4,
          quoteEnd: 15,
          coder: "me",
        },
      ],
    });
    expect((await call(codingsRoute, "PUT", `/api/v1/feedback/${id}/codings`, fid, eng, { themeId: a.json.id })).status).toBe(403);
    expect((await call(codingsRoute, "GET", `/api/v1/feedback/${id}/codings`, fid, out)).status).toBe(404);

    const merged = await call(mergeRoute, "POST", `/api/v1/themes/${a.json.id}/merge`, { themeId: a.json.id }, r, { into: b.json.id });
    expect(merged.json).toEqual({
      into: b.json.id,
      codingsMoved: 1,
      childrenMoved: 0,
    });
    const themes = await call(themesRoute, "GET", `/api/v1/projects/${p.projectId}/themes`, pid, eng);
    expect(themes.json.themes.map((t: { name: string; comments: number }) => [t.name, t.comments])).toEqual([["Verbosity", 1]]);

    const set = await call(quoteSetsRoute, "POST", `/api/v1/projects/${p.projectId}/quote-sets`, pid, r, { name: "Report" });
    const sid = { setId: set.json.id };
    const added = await call(itemsRoute, "POST", `/api/v1/quote-sets/${set.json.id}/items`, sid, r, { feedbackId: id, quoteStart: 4, quoteEnd: 15, note: "=1+1" });
    expect(added.json.quotes).toEqual([
      expect.objectContaining({
        text: "suggestions",
        note: "=1+1",
        author: {
          kind: "end_user",
          label: expect.stringMatching(/^User [0-9a-f]{6}$/),
        },
      }),
    ]);
    const csv = await call(exportRoute, "GET", `/api/v1/quote-sets/${set.json.id}/export?format=csv`, sid, eng);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="report.csv"');
    expect(csv.text.split("\r\n")[1]).toMatch(/^"1","suggestions","'=1\+1","User [0-9a-f]{6}","","pro","",/);
    const md = await call(exportRoute, "GET", `/api/v1/quote-sets/${set.json.id}/export?format=md`, sid, eng);
    expect(md.text).toMatch(/^# Report\n\n> suggestions\n>\n> — User [0-9a-f]{6}\\, segment pro\\, \d{4}\\-\d{2}\\-\d{2}\n\nNote: \\=1\\\+1\n$/);
    expect((await call(exportRoute, "GET", `/api/v1/quote-sets/${set.json.id}/export`, sid, rev)).status).toBe(403);
  });

  it("hides coder A's work from coder B through the API while their blind sample is open", async () => {
    const p = await researchProject();
    const [id] = await addComments(p.projectId, [{ comment: "blind one" }]);
    const [keyA, keyB] = [(await createApiKey(db, p.researcher.actor, { name: "a" })).key, (await createApiKey(db, p.researcher2.actor, { name: "b" })).key];
    const theme = await call(themesRoute, "POST", `/api/v1/projects/${p.projectId}/themes`, { projectId: p.projectId }, keyA, { name: "Trust" });
    const [sample] = await db.insert(codingSamples).values({ projectId: p.projectId, name: "S" }).returning();
    await db.insert(codingSampleItems).values({ sampleId: sample!.id, feedbackId: id!, position: 0 });
    await db.insert(codingSampleCoders).values([
      { sampleId: sample!.id, userId: p.researcher.id },
      { sampleId: sample!.id, userId: p.researcher2.id },
    ]);
    await call(codingsRoute, "PUT", `/api/v1/feedback/${id}/codings`, { feedbackId: String(id) }, keyA, { themeId: theme.json.id, memo: "A thinks" });
    const b = await call(codingsRoute, "GET", `/api/v1/feedback/${id}/codings`, { feedbackId: String(id) }, keyB);
    expect(b.json).toEqual({
      feedbackId: id,
      codedByMe: false,
      othersHidden: true,
      codings: [],
    });
    const list = await call(feedbackRoute, "GET", `/api/v1/projects/${p.projectId}/feedback?sample=${sample!.id}`, { projectId: p.projectId }, keyB);
    expect(list.json.comments).toEqual([
      expect.objectContaining({
        comment: "blind one",
        themes: [],
        coders: 0,
        codedByMe: false,
      }),
    ]);
    expect(JSON.stringify(list.json) + JSON.stringify(b.json)).not.toContain("A thinks");
    // the inbox page's loader, with the comment open, shows B nothing of A's either
    const pageUrl = `http://loupe.test/projects/${p.projectId}/feedback?sample=${sample!.id}&open=${id}`;
    const asUser = (u: { id: string }) => ({ request: new Request(pageUrl), params: { projectId: p.projectId }, context: { user: { id: u.id, isAdmin: false } } } as never);
    const seenByB = await inboxPage.loader(asUser(p.researcher2));
    expect(seenByB.open).toMatchObject({ comment: "blind one", codings: [], codedByMe: false, othersHidden: true });
    expect(seenByB.page.rows).toEqual([expect.objectContaining({ themes: [], coders: 0 })]);
    expect(JSON.stringify(seenByB)).not.toContain("A thinks");
    expect((await inboxPage.loader(asUser(p.researcher))).open?.codings).toEqual([expect.objectContaining({ memo: "A thinks", mine: true })]);
  });
});
