import { redirect, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { Markdown } from "~/components/markdown";
import { PageHeader, Section } from "~/components/page-header";
import { Button } from "~/components/ui/button";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { buildCard, cardMarkdown } from "~/modules/datasets/card";
import { contentHashCovers } from "~/modules/datasets/content-hash";
import { exportFileName } from "~/modules/datasets/export-dataset.server";
import { queueDatasetBuild } from "~/jobs/boss.server";
import type { Actor } from "~/modules/auth/actor";
import { getDatasetRecord, getDatasetStatus } from "~/modules/datasets/queries.server";
import { retryDataset } from "~/modules/datasets/retry-dataset.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { exportFormats, exportQuerySchema, formatLabels } from "~/modules/datasets/schemas";
import { sumSplits } from "~/modules/datasets/snapshot-tally";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { BuildStatus } from "./build-status";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.dataset.name} v${data.dataset.version} · Loupe` : "Dataset · Loupe" }];

export const loader = pageLoader(async ({ actor, request, params }) => {
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const status = await getDatasetStatus(db, actor, params.datasetId ?? "");
  const dataset = await getDatasetRecord(db, actor, status.id, "datasets.export");
  if (status.state !== "ready") return { ready: false as const, dataset, status, canBuild: await canManage(actor, dataset.projectId) };
  // why: the page opens on the export the dataset was made for (older ones: the classifier file when it has labels).
  const opening = dataset.format ?? (dataset.stats.label ? "classification-csv" : "openai-chat");
  const parsed = exportQuerySchema.safeParse({ format: search.format ?? opening, split: search.split || undefined });
  const query = parsed.success ? parsed.data : { format: "openai-chat" as const, split: undefined };
  const card = buildCard(dataset, query.format, query.split);
  const formats = exportFormats.map((format) => ({ format, rows: sumSplits(dataset.counts.formats[format].rows), invalid: sumSplits(dataset.counts.formats[format].invalid.count), fileName: exportFileName(dataset, format) }));
  return { ready: true as const, dataset, status, query, markdown: cardMarkdown(card), formats };
});

/** Retry a failed build: queued again, and the page follows it. */
export const action = formAction(async ({ actor, params }) => {
  const retried = await retryDataset(db, actor, params.datasetId ?? "");
  await queueDatasetBuild(retried.id);
  return redirect(`/projects/${retried.projectId}/datasets/${retried.id}`);
});

async function canManage(actor: Actor, projectId: string) {
  return authorizeProject(db, actor, projectId, "datasets.manage").then(
    () => true,
    () => false,
  );
}

export default function DatasetPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { dataset } = data;
  const header = (
    <PageHeader
      title={`${dataset.name} · v${dataset.version}`}
      description={
        <>
          <Link to={`/projects/${dataset.projectId}/datasets`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Datasets of {dataset.projectName}
          </Link>
          <p className="mt-1">
            Made by {dataset.createdByName}, <DateTime value={dataset.createdAt} withTime />.
            {data.ready ? (
              <>
                {" "}
                Content hash <code className="break-all text-xs">{dataset.contentHash}</code>
              </>
            ) : null}
          </p>
          {data.ready ? <p className="mt-1 text-xs text-slate-500">{contentHashCovers[dataset.contentHashVersion]}</p> : null}
        </>
      }
    />
  );
  if (!data.ready) {
    return (
      <div className="mx-auto max-w-5xl">
        {header}
        <Section title={data.status.state === "failed" ? "Build failed" : "Building the snapshot"}>
          <BuildStatus status={data.status} formError={result && "formError" in result ? result.formError : undefined} canRetry={data.canBuild} />
        </Section>
      </div>
    );
  }
  const { query, markdown, formats } = data;
  const download = `/datasets/${dataset.id}/download`;
  const suffix = `format=${query.format}${query.split ? `&split=${query.split}` : ""}`;
  return (
    <div className="mx-auto max-w-5xl">
      {header}
      <Section title="Download" description="The same snapshot always gives the same file.">
        <Form method="get" action={download} reloadDocument className="flex flex-wrap items-end gap-3" aria-label="Download an export">
          <div className="min-w-[16rem]">
            <SelectField label="Format" name="format" defaultValue={query.format} options={exportFormats.map((f) => ({ value: f, label: formatLabels[f] }))} />
          </div>
          <SelectField label="Split" name="split" defaultValue={query.split ?? ""} options={[{ value: "", label: "All splits" }, { value: "train", label: "Train" }, { value: "validation", label: "Validation" }, { value: "test", label: "Test" }]} />
          <Button>Download</Button>
        </Form>
        <table className="mt-4 min-w-full text-sm" aria-label="Rows per format">
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className="py-1.5 pr-4 font-medium">Format</th>
              <th scope="col" className="py-1.5 pr-4 text-right font-medium">Rows</th>
              <th scope="col" className="py-1.5 pr-4 text-right font-medium">Rows the format cannot take</th>
              <th scope="col" className="py-1.5 font-medium">File</th>
            </tr>
          </thead>
          <tbody>
            {formats.map((f) => (
              <tr key={f.format} className="border-b border-slate-100">
                <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                  <Link to={`?format=${f.format}`} preventScrollReset className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                    {formatLabels[f.format]}
                  </Link>
                </th>
                <td className="py-1.5 pr-4 text-right tabular-nums">{f.rows.toLocaleString("en")}</td>
                <td className="py-1.5 pr-4 text-right tabular-nums">
                  {f.invalid ? (
                    <Link to={`?format=${f.format}#section-dataset-card`} preventScrollReset aria-label={`${f.invalid.toLocaleString("en")} rows ${formatLabels[f.format]} cannot take: why`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                      {f.invalid.toLocaleString("en")} (why?)
                    </Link>
                  ) : (
                    "0"
                  )}
                </td>
                <td className="py-1.5">
                  <a href={`${download}?format=${f.format}`} className="font-mono text-xs text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700" download>
                    {f.fileName}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section
        title="Dataset card"
        description={
          <span className="flex flex-wrap gap-3">
            <span>
              {formatLabels[query.format]}, {query.split ?? "all splits"}.
            </span>
            <a href={`${download}?${suffix}&card=md`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">Card as markdown</a>
            <a href={`${download}?${suffix}&card=json`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">Card as JSON</a>
          </span>
        }
      >
        <Markdown text={markdown} />
      </Section>
    </div>
  );
}
