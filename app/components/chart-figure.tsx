import type { Chart } from "~/modules/insight/charts.server";

/**
 * A chart drawn on the server (charts.server.ts): SVG made by Observable Plot from numbers, with
 * labels escaped by the serializer and the result checked by isSafeSvg before it left the loader.
 * The table beside it has the same numbers.
 */
export function ChartFigure({ chart }: { chart: Chart }) {
  return (
    <figure className="mb-4 overflow-x-auto" data-chart={chart.id}>
      {/* why: shown as an image, never as markup in the page: an SVG image runs no script and loads
          nothing, whatever a label holds, so no untrusted text goes through innerHTML (ADR 0016). */}
      <img data-chart-image="" alt={chart.title} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`} className="max-w-none" />
      <figcaption className="mt-1 text-sm text-slate-600">{chart.title}</figcaption>
    </figure>
  );
}
