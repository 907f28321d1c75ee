/**
 * The metrics report as plain tables: what the Dashboards page shows (each with caption and
 * headers) and what each CSV download holds, from one definition so the two cannot differ.
 * Pure and browser-safe. Cells are numbers (ours) or text (labels: model names and metadata
 * values are untrusted and stay text — React escapes them on the page, csvLine neutralises them).
 */
import type { Estimate } from "~/modules/stats/estimate";
import type { Figure, FigureDef, MetricsReport } from "./metrics";

export type ColumnFormat = "text" | "int" | "share" | "number";
export type Column = { label: string; format: ColumnFormat };
export type CellValue = string | number | null;
export type Table = { id: string; caption: string; columns: Column[]; rows: CellValue[][]; note: string | null };

const text = (label: string): Column => ({ label, format: "text" });
const int = (label: string): Column => ({ label, format: "int" });
const num = (label: string, share: boolean): Column => ({ label, format: share ? "share" : "number" });

const estimateCells = (e: Estimate): CellValue[] => [e.value, e.interval?.low ?? null, e.interval?.high ?? null, e.reason ?? e.intervalReason ?? null];

export const tableIds = ["groups", "figures", "distributions", "head-to-head", "leaderboard", "position-bias", "timeline", "segments"] as const;
export type TableId = (typeof tableIds)[number];

function labelOf(figures: readonly FigureDef[], id: string): string {
  return figures.find((f) => f.id === id)?.label ?? id;
}

/**
 * Every table of the report, in page order. Rates are shares (0–1) in the data; the page shows
 * them as percentages. Figure tables are long (one row per group and figure), which is what a
 * spreadsheet or a notebook reads best.
 */
export function reportTables(report: MetricsReport): Table[] {
  const groupName = report.groupBy.startsWith("metadata.") ? report.groupBy.slice("metadata.".length) : report.groupBy;
  const rows = [...report.groups, report.overall];
  const tables: Table[] = [
    {
      id: "groups",
      caption: `Items and answers by ${groupName}`,
      columns: [text(groupName), int("Items"), int("Answers")],
      rows: rows.map((g) => [g.group, g.items, g.answers]),
      note: null,
    },
  ];
  const figureRows: CellValue[][] = [];
  for (const f of report.figures) {
    for (const g of rows) {
      const e: Figure = g.figures[f.id]!;
      figureRows.push([g.group, f.label, f.kind === "rate" ? "rate" : "mean", e.n, ...estimateCells(e)]);
    }
  }
  tables.push({
    id: "figures",
    caption: `Figures by ${groupName} with 95% intervals (rates: Wilson score; means: Student t)`,
    columns: [text(groupName), text("Figure"), text("Kind"), int("n"), num("Value", false), num("95% low", false), num("95% high", false), text("Note")],
    rows: figureRows,
    note: null,
  });
  const distRows: CellValue[][] = [];
  for (const g of rows) for (const [key, counts] of Object.entries(g.distributions)) for (const c of counts) distRows.push([g.group, key, c.value, c.count]);
  tables.push({ id: "distributions", caption: `Rating distributions by ${groupName}`, columns: [text(groupName), text("Question"), num("Rating", false), int("Answers")], rows: distRows, note: null });

  const h2h: CellValue[][] = [];
  const board: CellValue[][] = [];
  const bias: CellValue[][] = [];
  const boardNotes: string[] = [];
  for (const p of report.pairwise) {
    for (const h of p.headToHead) h2h.push([p.question, h.a, h.b, h.n, ...estimateCells(h.aWins).slice(0, 3), ...estimateCells(h.ties).slice(0, 3), ...estimateCells(h.bWins).slice(0, 3)]);
    if (p.leaderboard.value) {
      for (const m of p.leaderboard.value.models) {
        board.push([p.question, m.rank, m.model, m.strength, m.strengthInterval?.low ?? null, m.strengthInterval?.high ?? null, m.rankInterval ? `${m.rankInterval.low}–${m.rankInterval.high}` : null]);
      }
      if (p.leaderboard.value.intervalReason) boardNotes.push(`${p.question}: ${p.leaderboard.value.intervalReason}`);
    } else boardNotes.push(`${p.question}: ${p.leaderboard.reason}`);
    for (const r of [...p.positionBias.perReviewer, { reviewer: "All reviewers", bias: p.positionBias.overall }]) {
      bias.push([p.question, r.reviewer, ...estimateCells(r.bias).slice(0, 3), r.bias.favours ?? "neither", r.bias.basis ?? r.bias.reason ?? null]);
    }
  }
  const share3 = (who: string) => [num(`${who}`, true), num(`${who} 95% low`, true), num(`${who} 95% high`, true)];
  tables.push({
    id: "head-to-head",
    caption: "Pairwise: win / tie / loss for every pair of models (Wilson 95% intervals)",
    columns: [text("Question"), text("Model A"), text("Model B"), int("Comparisons"), ...share3("A wins"), ...share3("Ties"), ...share3("B wins")],
    rows: h2h,
    note: report.pairwise.length ? null : "The template has no pairwise question.",
  });
  tables.push({
    id: "leaderboard",
    caption: "Leaderboard: Bradley–Terry strengths (ties as half wins) with seeded bootstrap 95% intervals",
    columns: [text("Question"), int("Rank"), text("Model"), num("Strength", false), num("95% low", false), num("95% high", false), text("Rank 95% interval")],
    rows: board,
    note: boardNotes.length ? boardNotes.join(" ") : report.pairwise.length ? null : "The template has no pairwise question.",
  });
  tables.push({
    id: "position-bias",
    caption: "Position bias: share of pairwise answers choosing the left-hand output (ties left out)",
    columns: [text("Question"), text("Reviewer"), num("Left chosen", true), num("95% low", true), num("95% high", true), text("Favours"), text("Basis")],
    rows: bias,
    note: report.pairwise.length ? null : "The template has no pairwise question.",
  });

  if (report.timeline) {
    const t: CellValue[][] = [];
    for (const s of report.timeline) {
      for (const p of s.points) {
        t.push([s.group, labelOf(report.figures, s.figure), p.period, p.figure.n, ...estimateCells(p.figure).slice(0, 3), p.change.change ?? "—", p.change.change === null ? p.change.reason : (p.figure.reason ?? p.figure.intervalReason)]);
      }
    }
    tables.push({
      id: "timeline",
      caption: `Over time, per ${report.interval === "week" ? "week (from Monday, UTC)" : "day (UTC)"}: a value outside the previous period's interval is marked up or down`,
      columns: [text(groupName), text("Figure"), text("Period"), int("n"), num("Value", false), num("95% low", false), num("95% high", false), text("Change"), text("Note")],
      rows: t,
      note: "A screen, not a test: with many periods some marks come by chance.",
    });
  }
  if (report.segments) {
    const field = report.segments.field.slice("metadata.".length);
    const s: CellValue[][] = [];
    for (const f of report.segments.figures) {
      for (const r of f.rows) {
        const compared = r.status === "compared";
        s.push([
          labelOf(report.figures, f.figure),
          r.segment,
          r.n,
          ...estimateCells(r.figure).slice(0, 3),
          compared ? r.gap : null,
          compared ? r.ratio : null,
          compared ? (r.best ? "best" : r.separated ? "separated" : "") : "",
          compared ? null : r.reason,
        ]);
      }
    }
    tables.push({
      id: "segments",
      caption: `Segments by ${field}: gap and ratio to the best segment (at least ${report.minCount} answers to be compared)`,
      columns: [text("Figure"), text(field), int("n"), num("Value", false), num("95% low", false), num("95% high", false), num("Gap to best", false), num("Ratio to best", false), text("Flag"), text("Note")],
      rows: s,
      note: "“separated”: the segment's interval overlaps no other compared segment's — worth a look, not a significance test.",
    });
  }
  return tables;
}
