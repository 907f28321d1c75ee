import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "~/components/chart-figure";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { EstimateText } from "~/components/research/estimate-text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { getProject } from "~/modules/projects/queries.server";
import { trendCharts } from "~/modules/research/trends-charts.server";
import { computeThemeTrends } from "~/modules/research/trends.server";
import { ValidationError } from "~/utils/errors";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Theme trends · ${data.project.name} · Loupe`
      : "Theme trends · Loupe",
  },
];

const names = ["groupBy", "interval", "from", "to", "minCount"] as const;

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const search = new URL(request.url).searchParams;
  const form = Object.fromEntries(
    names.map((n) => [n, (search.get(n) ?? "").trim()])
  ) as Record<(typeof names)[number], string>;
  try {
    const trends = await computeThemeTrends(db, actor, project.id, form);
    return { project, form, error: null, trends, charts: trendCharts(trends) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const trends = await computeThemeTrends(db, actor, project.id, {});
    return {
      project,
      form,
      error: error.message,
      trends,
      charts: trendCharts(trends),
    };
  }
});

const groupLabels = {
  model: "Model",
  segment: "Segment",
  promptVersion: "Prompt version",
  source: "Source",
} as const;
const changeText = {
  up: "▲ above the previous period's interval",
  down: "▼ below the previous period's interval",
  none: "",
} as const;

export default function ThemeTrendsPage() {
  const { project, form, error, trends, charts } =
    useLoaderData<typeof loader>();
  const { query } = trends;
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Theme trends"
        description={
          <>
            <Link
              to={`/projects/${project.id}/feedback`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
            >
              {project.name} · feedback
            </Link>{" "}
            · each theme's share of the coded comments ({trends.coded} coded),
            with 95% Wilson intervals. Every figure links to its comments.
          </>
        }
      />
      <FeedbackNav role={project.role} />
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Form method="get" className="grid items-end gap-3 sm:grid-cols-6">
        <SelectField
          label="By"
          name="groupBy"
          defaultValue={form.groupBy || query.groupBy}
          options={Object.entries(groupLabels).map(([value, label]) => ({
            value,
            label,
          }))}
        />
        <SelectField
          label="Over time by"
          name="interval"
          defaultValue={form.interval || query.interval}
          options={[
            { value: "week", label: "Week" },
            { value: "day", label: "Day" },
          ]}
        />
        <Field label="From" name="from" type="date" defaultValue={form.from} />
        <Field label="To" name="to" type="date" defaultValue={form.to} />
        <Field
          label="Minimum count"
          name="minCount"
          type="number"
          min={1}
          defaultValue={form.minCount || String(query.minCount)}
          hint="Fewer coded comments: no share."
        />
        <Button>Show</Button>
      </Form>

      {trends.themes.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">
          The codebook has no themes yet.
        </p>
      ) : null}
      {trends.themes.map((t) => (
        <Section
          key={t.themeId}
          title={t.name}
          description={
            <>
              {t.count} of {t.coded} coded comments ·{" "}
              <Link
                to={t.inboxHref}
                className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
              >
                see them in the inbox
              </Link>
            </>
          }
        >
          <div data-theme-trend={t.name}>
            {charts
              .filter((c) => c.id === `groups:${t.themeId}`)
              .map((c) => (
                <ChartFigure key={c.id} chart={c} />
              ))}
            <table className="mb-4 min-w-full text-sm" data-table="groups">
              <caption className="mb-1 text-left font-medium text-slate-800">
                By {groupLabels[query.groupBy].toLowerCase()}
              </caption>
              <thead>
                <tr className="border-b border-slate-200 text-left text-slate-600">
                  <th scope="col" className="py-1 pr-4">
                    {groupLabels[query.groupBy]}
                  </th>
                  <th scope="col" className="py-1 pr-4">
                    With the theme
                  </th>
                  <th scope="col" className="py-1 pr-4">
                    Coded
                  </th>
                  <th scope="col" className="py-1">
                    Share (95% CI)
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.groups.map((g) => (
                  <tr
                    key={g.group}
                    className="border-b border-slate-100"
                    data-group={g.group}
                  >
                    <th scope="row" className="py-1 pr-4 text-left font-normal">
                      {g.group}
                    </th>
                    <td className="py-1 pr-4 tabular-nums">
                      <Link
                        to={g.inboxHref}
                        className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                      >
                        {g.count}
                      </Link>
                    </td>
                    <td className="py-1 pr-4 tabular-nums">{g.coded}</td>
                    <td className="py-1">
                      <EstimateText value={g.share} percent />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {charts
              .filter((c) => c.id === `timeline:${t.themeId}`)
              .map((c) => (
                <ChartFigure key={c.id} chart={c} />
              ))}
            <table className="min-w-full text-sm" data-table="series">
              <caption className="mb-1 text-left font-medium text-slate-800">
                By {query.interval}
              </caption>
              <thead>
                <tr className="border-b border-slate-200 text-left text-slate-600">
                  <th scope="col" className="py-1 pr-4">
                    {query.interval === "week" ? "Week of" : "Day"}
                  </th>
                  <th scope="col" className="py-1 pr-4">
                    With the theme
                  </th>
                  <th scope="col" className="py-1 pr-4">
                    Coded
                  </th>
                  <th scope="col" className="py-1 pr-4">
                    Share (95% CI)
                  </th>
                  <th scope="col" className="py-1">
                    Change
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.series.map((p) => (
                  <tr key={p.period} className="border-b border-slate-100">
                    <th scope="row" className="py-1 pr-4 text-left font-normal">
                      {p.period}
                    </th>
                    <td className="py-1 pr-4 tabular-nums">
                      <Link
                        to={p.inboxHref}
                        className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                      >
                        {p.count}
                      </Link>
                    </td>
                    <td className="py-1 pr-4 tabular-nums">{p.coded}</td>
                    <td className="py-1 pr-4">
                      <EstimateText value={p.share} percent />
                    </td>
                    <td className="py-1 text-xs">
                      {p.change.change ? changeText[p.change.change] : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ))}

      <Section
        title="End users' scores by model"
        description="All feedback with a score in the period, coded or not: thumbs-up rate with a Wilson interval, mean star rating with a t interval."
      >
        {trends.scores.length === 0 ? (
          <p className="text-sm text-slate-600">No scores yet.</p>
        ) : (
          <table className="min-w-full text-sm" data-table="scores">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">
                  Model
                </th>
                <th scope="col" className="py-1 pr-4">
                  Thumbs up (95% CI)
                </th>
                <th scope="col" className="py-1 pr-4">
                  Mean rating (95% CI)
                </th>
                <th scope="col" className="py-1">
                  Links
                </th>
              </tr>
            </thead>
            <tbody>
              {trends.scores.map((s) => (
                <tr
                  key={s.model}
                  className="border-b border-slate-100 align-top"
                >
                  <th scope="row" className="py-1 pr-4 text-left font-normal">
                    {s.model}
                  </th>
                  <td className="py-1 pr-4">
                    <EstimateText value={s.thumbs.rate} percent />{" "}
                    <span className="text-xs text-slate-500">
                      n = {s.thumbs.n}
                    </span>
                  </td>
                  <td className="py-1 pr-4">
                    <EstimateText value={s.rating.mean} />{" "}
                    <span className="text-xs text-slate-500">
                      n = {s.rating.n}
                    </span>
                  </td>
                  <td className="py-1">
                    <Link
                      to={s.inboxHref}
                      className="mr-3 text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                    >
                      comments
                    </Link>
                    <Link
                      to={s.insightHref}
                      className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                    >
                      dashboards
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
