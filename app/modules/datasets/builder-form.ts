import type { ItemFormat } from "./formats/rows";
import type { SnapshotEstimate } from "./preview.server";
import { exportFormats, textSources, type DatasetFilterInput, type TextSource } from "./schemas";

/**
 * The dataset builder's form ⇄ the API's {name, filter, options}. The form is a GET form (the URL
 * is the builder's state, so it can be shared and works without JavaScript); its fields are flat
 * and this turns them into the nested shape the schemas check. Empty fields mean "no condition".
 */
/** `format` is undefined when the form names none (or none a preview can show): the page then suggests one for the template. */
export type BuilderInput = { name: string; filter: DatasetFilterInput; options: Record<string, unknown>; format: ItemFormat | undefined; after?: number };

/**
 * The export a project's template is most likely made for: preference pairs for a pairwise
 * question, a classifier file for a single-choice question, chat fine-tuning otherwise.
 */
export function suggestedFormat(questions: readonly { kind: string; multiple?: boolean }[]): ItemFormat {
  if (questions.some((q) => q.kind === "pairwise")) return "openai-preference";
  if (questions.some((q) => q.kind === "choice" && !q.multiple)) return "classification-csv";
  return "openai-chat";
}

const list = (value: string | null) =>
  (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
const text = (value: string | null) => (value ?? "").trim();
// why: an empty box is "no value", not 0 (which Number("") gives); a typo stays NaN so the schema names it.
const number = (value: string | null) => (text(value) === "" ? undefined : Number(text(value)));
const percent = (value: string | null, fallback: number) => {
  const n = number(value);
  return n === undefined ? fallback : n / 100;
};

export function parseBuilderForm(form: URLSearchParams): BuilderInput {
  const filter: DatasetFilterInput = { status: (text(form.get("status")) || "resolved") as DatasetFilterInput["status"] };
  const ratingQuestion = text(form.get("ratingQuestion"));
  if (ratingQuestion && (number(form.get("ratingMin")) !== undefined || number(form.get("ratingMax")) !== undefined)) {
    filter.ratings = [{ question: ratingQuestion, min: number(form.get("ratingMin")), max: number(form.get("ratingMax")) }];
  }
  const correction = text(form.get("hasCorrection"));
  if (correction === "yes" || correction === "no") filter.hasCorrection = correction === "yes";
  const labelsIn = list(form.get("labelsIn"));
  if (labelsIn.length) filter.labels = { question: text(form.get("labelsQuestion")), in: labelsIn };
  const present = list(form.get("flagsPresent"));
  const absent = list(form.get("flagsAbsent"));
  if (present.length || absent.length) filter.flags = { present, absent };
  const agreement = number(form.get("minAgreement"));
  if (agreement !== undefined) filter.agreement = { min: agreement, ...(text(form.get("agreementQuestion")) ? { question: text(form.get("agreementQuestion")) } : {}) };
  filter.models = list(form.get("models"));
  const metaKey = text(form.get("metaKey"));
  if (metaKey) {
    const op = (text(form.get("metaOp")) || "eq") as "eq";
    const raw = text(form.get("metaValue"));
    const value = op === ("gte" as string) || op === ("lte" as string) ? Number(raw) : raw;
    filter.metadata = [{ key: metaKey, op, ...(op === ("exists" as string) || op === ("missing" as string) ? {} : { value }) }];
  }
  const machine = text(form.get("machineLabels"));
  if (machine && machine !== "exclude") filter.machineLabels = machine as DatasetFilterInput["machineLabels"];
  if (form.get("gold") === "on") filter.gold = "include";
  if (text(form.get("createdFrom"))) filter.createdFrom = text(form.get("createdFrom"));
  if (text(form.get("createdTo"))) filter.createdTo = text(form.get("createdTo"));

  const options: Record<string, unknown> = {
    dedup: form.get("dedup") === "on",
    redactPii: form.get("redactPii") === "on",
    split: {
      train: percent(form.get("train"), 0.8),
      validation: percent(form.get("validation"), 0.1),
      test: percent(form.get("test"), 0.1),
      seed: number(form.get("seed")) ?? 42,
    },
    textFrom: text(form.get("textFrom")) || "auto",
    preferenceFromCorrections: form.get("preferenceFromCorrections") === "on",
    approval: number(form.get("minRating")) === undefined ? {} : { minRating: number(form.get("minRating")) },
  };
  if (text(form.get("labelQuestion"))) options.labelQuestion = text(form.get("labelQuestion"));
  if (number(form.get("maxPerClass")) !== undefined) options.maxPerClass = number(form.get("maxPerClass"));
  const format = text(form.get("format"));
  return {
    name: text(form.get("name")),
    filter,
    options,
    format: (exportFormats as readonly string[]).includes(format) && format !== "annotations-jsonl" ? (format as ItemFormat) : undefined,
    after: number(form.get("after")),
  };
}

/** Which form field shows the message of a schema issue (`filter.ratings.0.min` → `ratingMin`). */
export function formFieldOf(issueField: string): string {
  const map: [RegExp, string][] = [
    [/^filter\.ratings\.\d+\.question/, "ratingQuestion"],
    [/^filter\.ratings\.\d+\.max/, "ratingMax"],
    [/^filter\.ratings/, "ratingMin"],
    [/^filter\.labels\.question/, "labelsQuestion"],
    [/^filter\.labels/, "labelsIn"],
    [/^filter\.flags/, "flagsPresent"],
    [/^filter\.hasCorrection/, "hasCorrection"],
    [/^filter\.agreement\.question/, "agreementQuestion"],
    [/^filter\.agreement/, "minAgreement"],
    [/^filter\.models/, "models"],
    [/^filter\.metadata\.\d+\.key/, "metaKey"],
    [/^filter\.metadata/, "metaValue"],
    [/^filter\.machineLabels/, "machineLabels"],
    [/^filter\.gold/, "gold"],
    [/^filter\.createdFrom/, "createdFrom"],
    [/^filter\.createdTo/, "createdTo"],
    [/^options\.split\.seed/, "seed"],
    [/^options\.split\.train/, "train"],
    [/^options\.split\.validation/, "validation"],
    [/^options\.split/, "test"],
    [/^options\.labelQuestion/, "labelQuestion"],
    [/^options\.maxPerClass/, "maxPerClass"],
    [/^options\.approval/, "minRating"],
    [/^options\.textFrom/, "textFrom"],
    [/^(\(body\)|name)$/, "name"],
  ];
  return map.find(([pattern]) => pattern.test(issueField))?.[1] ?? issueField;
}

/** What the builder says about the classifier formats' text, for the chosen source and the items the filter matches. */
export function classifierTextHint(value: string | undefined, estimate: SnapshotEstimate | null): string {
  const source: TextSource = (textSources as readonly string[]).includes(value ?? "") ? (value as TextSource) : "auto";
  if (source === "input") return "Classification rows take each item's prompt.";
  const counted = estimate?.exact ? estimate : null;
  const n = (x: number) => x.toLocaleString("en");
  if (source === "output") {
    const note = counted?.withoutOutput ? ` ${n(counted.withoutOutput)} of the ${n(counted.matched)} matching items have none and will be left out.` : "";
    return `Classification rows take each item's first output.${note}`;
  }
  if (!counted || counted.matched === 0) return "Classification rows take each item's first output, or its prompt when it has no output.";
  if (counted.withoutOutput === 0) return `Classification rows take each item's first output (all ${n(counted.matched)} matching items have one).`;
  if (counted.withoutOutput === counted.matched) return `Classification rows take each item's prompt: none of the ${n(counted.matched)} matching items has an output.`;
  return `Classification rows take each item's first output; the ${n(counted.withoutOutput)} of ${n(counted.matched)} matching items without one use their prompt.`;
}
