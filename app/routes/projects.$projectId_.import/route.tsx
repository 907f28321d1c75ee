import type { MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { ImportList } from "~/components/imports/import-list";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { db } from "~/db.server";
import { PREVIEW_BYTES, previewImport, type Preview } from "~/modules/imports/preview-import.server";
import { optionsFromForm } from "~/modules/imports/schemas";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { formatBytes } from "~/utils/format-bytes";
import { PreviewTable } from "./preview-table";
import { getImportPage } from "./queries.server";
import { UploadForm } from "./upload-form";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Import items · ${data.project.name} · Loupe` : "Import items · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  return { ...(await getImportPage(db, actor, params.projectId ?? "")), previewBytes: PREVIEW_BYTES };
});

/** The preview: the page sends the file's first bytes and the options; nothing is written. */
export const action = formAction(async ({ actor, form, params }) => {
  const sample = form.data.get("sample");
  const bytes = sample instanceof Blob ? new Uint8Array(await sample.arrayBuffer()) : new Uint8Array();
  const options = optionsFromForm((name) => form.all(name));
  const preview: Preview = await previewImport(db, actor, { projectId: params.projectId ?? "", sample: bytes, truncated: form.text("truncated") === "true", options });
  return { preview };
});

export default function ImportPage() {
  const data = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const preview = useFetcher<typeof action>();
  const result = preview.data && "preview" in preview.data ? preview.data.preview : undefined;
  const previewError = preview.data && "formError" in preview.data ? preview.data.formError : undefined;
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Import items"
        description={
          <Link to={`/projects/${data.project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {data.project.name}
          </Link>
        }
      />
      {search.get("error") ? <Alert tone="error">{search.get("error")}</Alert> : null}
      <p className="text-sm text-slate-600">
        JSON lines, a JSON array or CSV (a header row; <code>,</code> <code>;</code> or tab), gzipped or not, up to {formatBytes(data.maxBytes)} ({formatBytes(data.maxInflatedBytes)} once decompressed). Rows already in the project are
        skipped, so importing a file again is safe.
      </p>
      <UploadForm
        projectId={data.project.id}
        previewBytes={data.previewBytes}
        preview={result}
        labelQuestion={data.labelQuestion}
        pairwiseQuestion={data.pairwiseQuestion}
        onPreview={(form) => preview.submit(form, { method: "post", encType: "multipart/form-data" })}
      />
      {previewError ? <Alert tone="error">{previewError}</Alert> : null}
      {result ? <PreviewTable preview={result} /> : null}
      <Section title="Recent imports">
        <ImportList projectId={data.project.id} imports={data.imports} />
      </Section>
    </div>
  );
}
