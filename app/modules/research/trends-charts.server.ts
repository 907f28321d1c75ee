/**
 * The theme trends page's charts, drawn on the server with the dashboards' checked SVG drawing
 * (insight/charts.server.ts): each theme's share by group with its 95% interval, and its share
 * over time with points outside the previous period's interval coloured. Group names are
 * untrusted; they reach the SVG only as escaped text.
 */
import * as Plot from "@observablehq/plot";
import { draw, type Chart } from "~/modules/insight/charts.server";
import type { ThemeTrends } from "./trends.server";

export function trendCharts(trends: ThemeTrends): Chart[] {
  const charts: Chart[] = [];
  for (const t of trends.themes) {
    const rows = t.groups
      .filter((g) => g.share.value !== null)
      .map((g) => ({
        label: g.group,
        value: g.share.value!,
        low: g.share.interval?.low ?? null,
        high: g.share.interval?.high ?? null,
      }));
    if (rows.length) {
      const svg = draw({
        marginLeft: 140,
        height: 40 + rows.length * 28,
        x: {
          label: `Share of coded comments with “${t.name}” (%)`,
          grid: true,
          domain: [0, 1],
          percent: true,
        },
        y: { label: null, domain: rows.map((r) => r.label) },
        marks: [
          Plot.ruleY(
            rows.filter((r) => r.low !== null),
            {
              y: "label",
              x1: "low",
              x2: "high",
              stroke: "#6366f1",
              strokeWidth: 2,
            }
          ),
          Plot.dot(rows, { y: "label", x: "value", fill: "#312e81", r: 4 }),
        ],
      });
      if (svg)
        charts.push({
          id: `groups:${t.themeId}`,
          title: `${t.name}: share by ${trends.query.groupBy}, with 95% intervals`,
          svg,
        });
    }
    const points = t.series
      .filter((p) => p.share.value !== null)
      .map((p) => ({
        period: new Date(`${p.period}T00:00:00Z`),
        value: p.share.value!,
        low: p.share.interval?.low ?? null,
        high: p.share.interval?.high ?? null,
        change: p.change.change ?? "none",
      }));
    if (points.length) {
      const svg = draw({
        height: 200,
        x: {
          type: "utc",
          label: trends.query.interval === "week" ? "Week" : "Day",
        },
        y: { label: "Share (%)", grid: true, percent: true, domain: [0, 1] },
        marks: [
          Plot.ruleX(
            points.filter((p) => p.low !== null),
            {
              x: "period",
              y1: "low",
              y2: "high",
              stroke: "#a5b4fc",
              strokeWidth: 3,
            }
          ),
          Plot.line(points, { x: "period", y: "value", stroke: "#312e81" }),
          Plot.dot(points, {
            x: "period",
            y: "value",
            fill: (p: { change: string }) =>
              p.change === "up"
                ? "#15803d"
                : p.change === "down"
                ? "#b91c1c"
                : "#312e81",
            r: 4,
          }),
        ],
      });
      if (svg)
        charts.push({
          id: `timeline:${t.themeId}`,
          title: `${t.name} over time (green: up, red: down against the previous period's interval)`,
          svg,
        });
    }
  }
  return charts;
}
