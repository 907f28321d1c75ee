import { describe, expect, it } from "vitest";
import type { Question } from "~/modules/questions";
import { isSafeSvg, reportCharts } from "./charts.server";
import { assembleMetrics, type Cell } from "./metrics";

const HOSTILE = "<img src=x onerror=alert(1)>";
const QUESTIONS = [{ key: "ok", kind: "thumbs", text: "Acceptable?", required: false }] as unknown as Question[];

const cell = (group: string | null, figure: string, n: number, sum: number, period: string | null = null): Cell => ({
  figure,
  group,
  period,
  segment: null,
  n,
  items: n,
  sum,
  mean: sum / n,
  // 0/1 values: M2 = n·p·(1 − p)
  m2: n * (sum / n) * (1 - sum / n),
});

function report() {
  return assembleMetrics({
    projectId: "p",
    groupBy: "model",
    interval: "week",
    segment: null,
    from: null,
    to: null,
    minCount: 30,
    questions: QUESTIONS,
    cells: [
      cell(HOSTILE, "thumbs:ok", 10, 7),
      cell('"><script>alert(2)</script>', "thumbs:ok", 10, 3),
      cell(null, "thumbs:ok", 10, 5, "2026-11-02"),
      cell(null, "thumbs:ok", 10, 9, "2026-11-09"),
    ],
    pairwise: [
      {
        question: "pick",
        text: "Which?",
        pairs: [
          { a: HOSTILE, b: "beta", aWins: 6, bWins: 3, ties: 1 },
          { a: "beta", b: "gamma", aWins: 5, bWins: 4, ties: 0 },
          { a: "gamma", b: HOSTILE, aWins: 4, bWins: 5, ties: 1 },
        ],
        sameModel: 0,
        overall: { left: 1, right: 1, ties: 0 },
        perReviewer: [],
      },
    ],
    notes: [],
  });
}

describe("server-drawn charts", () => {
  it("draw SVG with Observable Plot in which hostile labels are text: escaped, never markup", () => {
    const charts = reportCharts(report());
    expect(charts.map((c) => c.id)).toEqual(["figure:thumbs:ok", "leaderboard:pick", "timeline:thumbs:ok"]);
    for (const c of charts) {
      expect(c.svg.startsWith("<svg")).toBe(true);
      expect(c.svg).not.toMatch(/<img|<script/i);
      expect(isSafeSvg(c.svg)).toBe(true);
    }
    const byGroup = charts[0]!.svg;
    expect(byGroup).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(byGroup).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(charts[1]!.svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // Two periods: dots and interval rules drawn for both.
    expect(charts[2]!.svg.match(/<circle/g)).toHaveLength(2);
  });

  it("the guard refuses SVG with foreign elements, event attributes or javascript: URLs", () => {
    expect(isSafeSvg('<svg><g><text>a &lt;b&gt;</text></g></svg>')).toBe(true);
    expect(isSafeSvg('<svg><img src="x"></svg>')).toBe(false);
    expect(isSafeSvg('<svg onload="alert(1)"></svg>')).toBe(false);
    expect(isSafeSvg('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>')).toBe(false);
    expect(isSafeSvg("<svg><foreignObject></foreignObject></svg>")).toBe(false);
  });
});
