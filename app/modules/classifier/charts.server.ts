import * as Plot from "@observablehq/plot";
import { draw, type Chart } from "~/modules/insight/charts.server";
import type { ClassifierEvaluation } from "./core";

/**
 * The model page's two charts: reliability (in each confidence bin, how often the model was right
 * against how sure it was; the diagonal is a perfectly calibrated model) and the learning curve
 * (held-out quality trained on 10, 25, 50 and 100% of the labels). Bins and points only; the
 * tables beside them hold the same numbers.
 */
export function classifierCharts(evaluation: ClassifierEvaluation): Chart[] {
  const charts: Chart[] = [];
  const bins = evaluation.reliability.filter((b) => b.count > 0);
  const reliability = bins.length
    ? draw({
        width: 420,
        height: 320,
        x: { label: "Confidence", domain: [0, 1], percent: true, grid: true },
        y: { label: "Right (%)", domain: [0, 1], percent: true, grid: true },
        marks: [
          Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: "x", y: "y", stroke: "#94a3b8", strokeDasharray: "4 4" }),
          Plot.line(bins, { x: "meanConfidence", y: "accuracy", stroke: "#6366f1" }),
          Plot.dot(bins, { x: "meanConfidence", y: "accuracy", r: 4, fill: "#312e81" }),
        ],
      })
    : null;
  if (reliability) charts.push({ id: "reliability", title: "Reliability: share right in each confidence bin (dashed: perfectly calibrated)", svg: reliability });
  const curve = evaluation.learningCurve.flatMap((p) => [
    { labels: p.labels, value: p.accuracy, figure: "accuracy" },
    { labels: p.labels, value: p.macroF1, figure: "macro-F1" },
  ]);
  const learning = curve.length
    ? draw({
        width: 420,
        height: 320,
        x: { label: "Labels trained on", grid: true },
        y: { label: "Held-out score (%)", domain: [0, 1], percent: true, grid: true },
        color: { legend: true, domain: ["accuracy", "macro-F1"], range: ["#312e81", "#0d9488"] },
        marks: [Plot.line(curve, { x: "labels", y: "value", stroke: "figure" }), Plot.dot(curve, { x: "labels", y: "value", fill: "figure", r: 4 })],
      })
    : null;
  if (learning) charts.push({ id: "learning-curve", title: "Learning curve: held-out accuracy and macro-F1 by labels trained on", svg: learning });
  return charts;
}

/** The class pairs the model mixes up most (true → predicted), most items first. */
export function topConfusions(evaluation: ClassifierEvaluation, limit = 10): { actual: string; predicted: string; count: number }[] {
  const { labels, counts } = evaluation.confusion;
  const pairs: { actual: string; predicted: string; count: number }[] = [];
  counts.forEach((row, r) => row.forEach((n, c) => (r !== c && n > 0 ? pairs.push({ actual: labels[r]!, predicted: labels[c]!, count: n }) : undefined)));
  return pairs.sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual)).slice(0, limit);
}
