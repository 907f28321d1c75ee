import { useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { CsrfInput } from "~/components/ui/csrf-input";
import { SelectField } from "~/components/ui/select-field";
import type { Preview } from "~/modules/imports/schemas";
import { presetInfo } from "~/modules/imports/presets";
import { presetNames } from "~/modules/imports/schemas";
import { useRootData } from "~/root";
import { MappingFields } from "./mapping-fields";

type Props = {
  projectId: string;
  previewBytes: number;
  preview: Preview | undefined;
  labelQuestion: { key: string; text: string; options: number } | null;
  pairwiseQuestion: { key: string; text: string } | null;
  onPreview: (form: FormData) => void;
};

const formatOptions = [{ value: "", label: "Loupe's item shape: {input, outputs, …}" }, ...presetNames.map((p) => ({ value: p, label: `${presetInfo[p].label} (${p})` }))];
const radio = "h-4 w-4 border-slate-300 text-indigo-600 focus:ring-indigo-600";

/**
 * The upload form. Without JavaScript it posts the file and the options to the upload route.
 * With it: drop a file or pick one, see its first rows as they would import (the first bytes go
 * to the page's preview action), and watch the upload's progress before the project page takes
 * over with the import's.
 */
export function UploadForm({ projectId, previewBytes, preview, labelQuestion, pairwiseQuestion, onPreview }: Props) {
  const form = useRef<HTMLFormElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [format, setFormat] = useState("");
  const [formatChosen, setFormatChosen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const csrfToken = useRootData()?.csrfToken ?? "";
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const requestPreview = () => {
    const chosen = fileInput.current?.files?.[0];
    if (!form.current || !chosen) return;
    const data = new FormData(form.current);
    data.delete("file");
    data.set("sample", chosen.slice(0, previewBytes), chosen.name);
    data.set("truncated", String(chosen.size > previewBytes));
    onPreview(data);
  };
  const previewSoon = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(requestPreview, 250);
  };
  // why: the first preview suggests a preset; take it unless the user picked one already.
  useEffect(() => {
    if (preview?.suggestedFormat && !formatChosen && format !== preview.suggestedFormat) setFormat(preview.suggestedFormat);
  }, [preview, formatChosen, format]);
  useEffect(previewSoon, [format]); // eslint-disable-line react-hooks/exhaustive-deps

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!fileInput.current || !event.dataTransfer.files.length) return;
    fileInput.current.files = event.dataTransfer.files;
    fileInput.current.dispatchEvent(new Event("change", { bubbles: true }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (!fileInput.current?.files?.length) return setError("Choose a file to import.");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", event.currentTarget.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (e) => e.lengthComputable && setUploaded(Math.floor((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: { error?: string; location?: string } = {};
      try {
        body = JSON.parse(xhr.responseText || "{}") as typeof body;
      } catch {
        // a proxy's HTML error page: fall through to the generic message
      }
      if (xhr.status < 300 && body.location) return navigate(body.location);
      setUploaded(null);
      setError(body.error ?? `The upload failed (HTTP ${xhr.status}).`);
    };
    xhr.onerror = () => {
      setUploaded(null);
      setError("The upload was cut off. Check the connection and try again: rows already imported are skipped.");
    };
    setUploaded(0);
    xhr.send(new FormData(event.currentTarget));
  };

  return (
    <form
      ref={form}
      method="post"
      action={`/projects/${projectId}/imports`}
      encType="multipart/form-data"
      onSubmit={onSubmit}
      onChange={(e) => (e.target as HTMLElement).getAttribute("name") !== "file" && previewSoon()}
      aria-label="Import a file"
      className="mt-6 space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <CsrfInput />
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed px-4 py-8 text-center ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300"}`}
      >
        <label htmlFor="import-file" className="block text-sm font-medium text-slate-700">
          File
        </label>
        <p className="mt-1 text-xs text-slate-500">Drop it here, or pick one.</p>
        <input
          ref={fileInput}
          id="import-file"
          type="file"
          name="file"
          required
          accept=".jsonl,.ndjson,.json,.csv,.tsv,.gz,.txt"
          onChange={(e) => {
            setFileName(e.currentTarget.files?.[0]?.name ?? null);
            setFormatChosen(false);
            requestPreview();
          }}
          className="mx-auto mt-3 block text-sm"
        />
        {fileName ? <p className="mt-2 break-all text-sm text-slate-700">Chosen: {fileName}</p> : null}
      </div>

      <div className="grid gap-6 md:grid-cols-2">
        <SelectField
          label="Format"
          name="format"
          value={format}
          onChange={(e) => {
            setFormat(e.currentTarget.value);
            setFormatChosen(true);
          }}
          options={formatOptions}
          hint={format ? presetInfo[format as keyof typeof presetInfo].shape : "One item per row, as the items API takes them."}
        />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">The rows are</legend>
          <div className="mt-2 space-y-2 text-sm">
            <label className="flex items-start gap-2">
              <input type="radio" name="mode" value="new-items" defaultChecked className={radio} /> New items
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name="mode" value="add-outputs" className={radio} />
              <span>
                More outputs for items already here <span className="text-slate-500">(matched by external id, else by the exact input)</span>
              </span>
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">If a row is bad</legend>
          <div className="mt-2 space-y-2 text-sm">
            <label className="flex items-start gap-2">
              <input type="radio" name="policy" value="keep-good-rows" defaultChecked className={radio} /> Import the good rows and list the bad ones
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name="policy" value="all-or-nothing" className={radio} /> Import nothing (all or nothing)
            </label>
          </div>
        </fieldset>
        <div className="space-y-2">
          <CheckboxField name="gold" value="true" label="Labels are gold answers" hint="Instead of suggestions reviewers see. Applies to classification labels and HH preferences." />
          <Targets format={format} labelQuestion={labelQuestion} pairwiseQuestion={pairwiseQuestion} />
        </div>
      </div>

      <MappingFields columns={preview?.columns ?? []} />

      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={uploaded !== null}>
          Import
        </Button>
        {uploaded !== null ? (
          <div className="min-w-48 flex-1">
            <div role="progressbar" aria-label="Uploading" aria-valuemin={0} aria-valuemax={100} aria-valuenow={uploaded} className="h-2 overflow-hidden rounded-full bg-slate-200">
              <div className="h-full bg-indigo-500" style={{ width: `${uploaded}%` }} />
            </div>
            <p className="mt-1 text-xs text-slate-600">{uploaded < 100 ? `Uploading: ${uploaded}%` : "Uploaded; importing…"}</p>
          </div>
        ) : null}
      </div>
    </form>
  );
}

function Targets({ format, labelQuestion, pairwiseQuestion }: Pick<Props, "labelQuestion" | "pairwiseQuestion"> & { format: string }) {
  if (format === "classification-csv") {
    return labelQuestion ? (
      <p className="text-xs text-slate-600">
        Labels answer “{labelQuestion.text}” ({labelQuestion.key}, {labelQuestion.options} options).
      </p>
    ) : (
      <Alert tone="error">This project&apos;s template has no single-choice question to put the labels on. Add one (the Classify template has one) first.</Alert>
    );
  }
  if (format === "hh-rlhf") {
    return <p className="text-xs text-slate-600">{pairwiseQuestion ? `As gold, preferences answer “${pairwiseQuestion.text}”.` : "As gold, preferences need a pairwise question in the template."}</p>;
  }
  return null;
}
