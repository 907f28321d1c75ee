/**
 * The Dashboards page's charts, drawn on the server by Observable Plot into a linkedom document
 * and sent as SVG text: the page shows them without JavaScript, beside the table of the same
 * numbers. Model names and metadata values are untrusted. They reach the SVG only as text nodes
 * and attribute values that linkedom's serializer escapes (& < > " become entities), and every
 * chart is checked before it is sent: an element outside the handful Plot draws, an `on…`
 * attribute or a `javascript:` URL anywhere drops the chart (the table stays). See ADR 0016.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { FigureDef, MetricsReport } from "./metrics";

export type Chart = { id: string; title: string; svg: string };

const ALLOWED = new Set(["svg", "g", "path", "line", "text", "tspan", "rect", "circle", "style", "title", "defs", "clippath", "lineargradient", "stop"]);

/** True when the SVG text holds only Plot's elements and no script-bearing attribute or URL. */
export function isSafeSvg(svg: string): boolean {
  for (const m of svg.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)) if (!ALLOWED.has(m[1]!.toLowerCase())) return false;
  // why: inside a tag, an attribute named on… runs script; text content cannot hold a raw "<" (escaped), so tags are all real.
  for (const tag of svg.matchAll(/<[^>]*>/g)) {
    if (/\son[a-z]+\s*=/i.test(tag[0]) || /javascript:/i.test(tag[0])) return false;
  }
  return true;
}

/** A Plot chart as checked SVG text, or null when the check refused it. */
export function draw(options: Plot.PlotOptions): string | null {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = Plot.plot({ ...options, document: document as unknown as Document, style: { background: "white", fontSize: "12px" } }) as unknown as { toString(): string; setAttribute(n: string, v: string): void };
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const text = svg.toString();
  return isSafeSvg(text) ? text : null;
}

type Row = { label: string; value: number; low: number | null; high: number | null };

function intervalChart(rows: Row[], xLabel: string, share: boolean): string | null {
  if (!rows.length) return null;
  const withInterval = rows.filter((r) => r.low !== null && r.high !== null);
  return draw({
    marginLeft: 140,
    height: 40 + rows.length * 28,
    x: { label: xLabel, grid: true, ...(share ? { domain: [0, 1], percent: true } : {}) },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.ruleY(withInterval, { y: "label", x1: "low", x2: "high", stroke: "#6366f1", strokeWidth: 2 }),
      Plot.dot(rows, { y: "label", x: "value", fill: "#312e81", r: 4 }),
    ],
  });
}

const labelText = (f: FigureDef) => (f.kind === "rate" ? `${f.label} (%)` : f.label);

/**
 * A chart per figure by group (value and 95% interval), the leaderboard's strengths, and each
 * figure's overall series over time. Figures with no defined value anywhere get no chart.
 */
export function reportCharts(report: MetricsReport): Chart[] {
  const charts: Chart[] = [];
  for (const f of report.figures) {
    const rows: Row[] = report.groups.flatMap((g) => {
      const e = g.figures[f.id]!;
      return e.value === null ? [] : [{ label: g.group, value: e.value, low: e.interval?.low ?? null, high: e.interval?.high ?? null }];
    });
    const svg = intervalChart(rows, labelText(f), f.kind === "rate");
    if (svg) charts.push({ id: `figure:${f.id}`, title: `${f.label} by group, with 95% intervals`, svg });
  }
  for (const p of report.pairwise) {
    const ranking = p.leaderboard.value;
    if (!ranking) continue;
    const rows = ranking.models.map((m) => ({ label: m.model, value: m.strength, low: m.strengthInterval?.low ?? null, high: m.strengthInterval?.high ?? null }));
    const svg = intervalChart(rows, "Bradley–Terry strength (sums to 1)", false);
    if (svg) charts.push({ id: `leaderboard:${p.question}`, title: `Leaderboard (${p.text})`, svg });
  }
  for (const s of report.timeline ?? []) {
    if (s.group !== "All") continue;
    const f = report.figures.find((x) => x.id === s.figure);
    const points = s.points.filter((p) => p.figure.value !== null).map((p) => ({ period: new Date(`${p.period}T00:00:00Z`), value: p.figure.value!, low: p.figure.interval?.low ?? null, high: p.figure.interval?.high ?? null, change: p.change.change ?? "none" }));
    if (!f || !points.length) continue;
    const svg = draw({
      height: 220,
      x: { type: "utc", label: report.interval === "week" ? "Week" : "Day" },
      y: { label: labelText(f), grid: true, ...(f.kind === "rate" ? { percent: true } : {}) },
      marks: [
        Plot.ruleX(points.filter((p) => p.low !== null), { x: "period", y1: "low", y2: "high", stroke: "#a5b4fc", strokeWidth: 3 }),
        Plot.line(points, { x: "period", y: "value", stroke: "#312e81" }),
        Plot.dot(points, { x: "period", y: "value", fill: (p: { change: string }) => (p.change === "up" ? "#15803d" : p.change === "down" ? "#b91c1c" : "#312e81"), r: 4 }),
      ],
    });
    if (svg) charts.push({ id: `timeline:${s.figure}`, title: `${f.label} over time (green: up, red: down against the previous period's interval)`, svg });
  }
  return charts;
}
