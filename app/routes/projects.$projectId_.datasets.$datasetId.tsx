import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { Markdown } from "~/components/markdown";
import { PageHeader, Section } from "~/components/page-header";
import { Button } from "~/components/ui/button";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { buildCard, cardMarkdown } from "~/modules/datasets/card";
import { contentHashCovers } from "~/modules/datasets/content-hash";
import { exportFileName } from "~/modules/datasets/export-dataset.server";
import { getDatasetRecord } from "~/modules/datasets/queries.server";
import { exportFormats, exportQuerySchema, formatLabels } from "~/modules/datasets/schemas";
import { sumSplits } from "~/modules/datasets/snapshot-tally";
import { requireActor, throwAsResponse } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.dataset.name} v${data.dataset.version} · Loupe` : "Dataset · Loupe" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const search = Object.fromEntries(new URL(request.url).searchParams);
  try {
    const dataset = await getDatasetRecord(db, actor, params.datasetId ?? "", "datasets.export");
    const parsed = exportQuerySchema.safeParse({ format: search.format ?? (dataset.stats.label ? "classification-csv" : "openai-chat"), split: search.split || undefined });
    const query = parsed.success ? parsed.data : { format: "openai-chat" as const, split: undefined };
    const card = buildCard(dataset, query.format, query.split);
    const formats = exportFormats.map((format) => ({ format, rows: sumSplits(dataset.counts.formats[format].rows), invalid: sumSplits(dataset.counts.formats[format].invalid.count), fileName: exportFileName(dataset, format) }));
    return { dataset, query, markdown: cardMarkdown(card), formats };
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function DatasetPage() {
  const { dataset, query, markdown, formats } = useLoaderData<typeof loader>();
  const download = `/datasets/${dataset.id}/download`;
  const suffix = `format=${query.format}${query.split ? `&split=${query.split}` : ""}`;
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title={`${dataset.name} · v${dataset.version}`}
        description={
          <>
            <Link to={`/projects/${dataset.projectId}/datasets`} className="text-indigo-700 hover:underline">
              ← Datasets of {dataset.projectName}
            </Link>
            <p className="mt-1">
              Made by {dataset.createdByName}, <DateTime value={dataset.createdAt} withTime />. Content hash <code className="break-all text-xs">{dataset.contentHash}</code>
            </p>
            <p className="mt-1 text-xs text-slate-500">{contentHashCovers[dataset.contentHashVersion]}</p>
          </>
        }
      />
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
              <th scope="col" className="py-1.5 pr-4 text-right font-medium">Breaking the rules</th>
              <th scope="col" className="py-1.5 font-medium">File</th>
            </tr>
          </thead>
          <tbody>
            {formats.map((f) => (
              <tr key={f.format} className="border-b border-slate-100">
                <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                  <Link to={`?format=${f.format}`} preventScrollReset className="text-indigo-700 hover:underline">
                    {formatLabels[f.format]}
                  </Link>
                </th>
                <td className="py-1.5 pr-4 text-right tabular-nums">{f.rows.toLocaleString("en")}</td>
                <td className="py-1.5 pr-4 text-right tabular-nums">{f.invalid.toLocaleString("en")}</td>
                <td className="py-1.5">
                  <a href={`${download}?format=${f.format}`} className="font-mono text-xs text-indigo-700 hover:underline" download>
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
            <a href={`${download}?${suffix}&card=md`} className="text-indigo-700 hover:underline">Card as markdown</a>
            <a href={`${download}?${suffix}&card=json`} className="text-indigo-700 hover:underline">Card as JSON</a>
          </span>
        }
      >
        <Markdown text={markdown} />
      </Section>
    </div>
  );
}
