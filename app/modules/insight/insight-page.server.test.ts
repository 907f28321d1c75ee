import { sql } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader as csvLoader } from "~/routes/projects.$projectId_.insight[.]csv";
import { loader as pageLoader, NumbersTable } from "~/routes/projects.$projectId_.insight/route";
import { HOSTILE, makeInsightProject } from "~test/support/insight-project";

type F = Awaited<ReturnType<typeof makeInsightProject>>;
const userOf = (u: F["manager"]) => ({ user: { id: u.id, isAdmin: false } });

async function csv(f: F, who: F["manager"], search: string) {
  const request = new Request(`http://loupe.test/projects/${f.projectId}/insight.csv?${search}`);
  try {
    const response = (await csvLoader({ request, params: { projectId: f.projectId }, context: userOf(who) } as never)) as Response;
    return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, type: null, text: await thrown.text() };
    // throwAsResponse throws Remix's data(message, {status}) for domain errors.
    const init = (thrown as { init?: { status?: number }; data?: unknown }).init;
    if (init?.status) return { status: init.status, type: null, text: String((thrown as { data?: unknown }).data) };
    throw thrown;
  }
}

describe("the Dashboards page and its CSV downloads", () => {
  it("each table downloads as formula-safe CSV: a metadata value that looks like a formula reaches the spreadsheet as text", async () => {
    const f = await makeInsightProject();
    await db.execute(sql`update items set metadata = '{"lang": "=1+2"}'::jsonb where id = ${f.itemIds[1]!}`);
    const groups = await csv(f, f.manager, "table=groups&groupBy=metadata.lang");
    expect(groups.status).toBe(200);
    expect(groups.type).toBe("text/csv; charset=utf-8");
    expect(groups.text).toBe(
      [`"lang","Items","Answers"`, `"${HOSTILE}","1","2"`, `"'=1+2","1","2"`, `"en","2","4"`, `"All","4","8"`, ""].join("\r\n"),
    );
    const h2h = await csv(f, f.manager, "table=head-to-head");
    expect(h2h.text.split("\r\n")[1]).toMatch(/^"pick","alpha","beta","6","0\.666/);
    const board = await csv(f, f.manager, "table=leaderboard");
    expect(board.text.split("\r\n").slice(1, 4).map((l) => l.split(",")[2])).toEqual(['"alpha"', '"gamma"', '"beta"']);

    expect((await csv(f, f.manager, "table=timeline")).status).toBe(400);
    expect((await csv(f, f.manager, "table=nope")).status).toBe(400);
    expect((await csv(f, f.manager, "table=groups&interval=month")).status).toBe(400);
    expect((await csv(f, f.reviewers[0]!, "table=groups")).status).toBe(403);
  });

  it("the page's tables keep hostile labels as text: React escapes them, nothing is injected", async () => {
    const f = await makeInsightProject();
    const request = new Request(`http://loupe.test/projects/${f.projectId}/insight?groupBy=metadata&groupField=lang&segmentField=lang&minCount=2&interval=week`);
    const data = (await pageLoader({ request, params: { projectId: f.projectId }, context: userOf(f.manager) } as never))!;
    expect(data.error).toBeNull();
    expect(data.search).toBe("groupBy=metadata.lang&interval=week&segment=metadata.lang&minCount=2");
    expect(data.tables.map((t) => t.id)).toEqual(["groups", "figures", "distributions", "head-to-head", "leaderboard", "position-bias", "timeline", "segments"]);
    expect(data.charts.map((c) => c.id)).toEqual(expect.arrayContaining(["figure:thumbs:ok", "leaderboard:pick", "timeline:thumbs:ok"]));
    expect(data.charts.find((c) => c.id === "figure:thumbs:ok")!.svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const groups = data.tables.find((t) => t.id === "groups")!;
    expect(groups.rows[0]).toEqual([HOSTILE, 1, 2]);
    const html = renderToStaticMarkup(createElement(NumbersTable, { table: groups, csvHref: "/x.csv" }));
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
    expect(html).toContain('<caption class="mb-1 text-left font-medium text-slate-800">Items and answers by lang</caption>');
    expect(html).toContain('<th scope="row"');

    const missing = new Request(`http://loupe.test/projects/${f.projectId}/insight?groupBy=metadata`);
    const fallback = (await pageLoader({ request: missing, params: { projectId: f.projectId }, context: userOf(f.manager) } as never))!;
    expect(fallback.error).toBe("Name the metadata field to group by.");
    expect(fallback.tables[0]!.rows.map((r) => r[0])).toEqual(["alpha", "beta", "All"]);
  });
});
