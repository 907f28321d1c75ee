import { ValidationError, type FieldIssue } from "~/utils/errors";
import type { KeySource, ProviderInput, ProviderView } from "./schemas";

/**
 * The provider form (admin pages) in and out: models as lines of text, headers as rows, the key as
 * a password field that is never filled in. Reading never keeps a secret in what is sent back.
 */

/** What the form shows again after a failed save: everything but the key and header values. */
export type ProviderFormValues = {
  name: string;
  baseUrl: string;
  keySource: KeySource;
  apiKeyEnv: string;
  modelsText: string;
  headerNames: string[];
  maxConcurrency: string;
  enabled: boolean;
};

export const BLANK_HEADER_ROWS = 2;

export function formValuesOf(provider: ProviderView | undefined): ProviderFormValues {
  return {
    name: provider?.name ?? "",
    baseUrl: provider?.baseUrl ?? "",
    keySource: provider?.keySource ?? "stored",
    apiKeyEnv: provider?.apiKeyEnv ?? "",
    modelsText: provider ? modelsToText(provider.models) : "",
    headerNames: provider?.headerNames ?? [],
    maxConcurrency: String(provider?.maxConcurrency ?? 4),
    enabled: provider?.enabled ?? true,
  };
}

/** One model per line: `name, input price, output price` (US dollars per million tokens; prices optional). */
export function modelsToText(models: ProviderView["models"]): string {
  const price = (p: number | null) => (p === null ? "" : String(p));
  return models.map((m) => (m.inputPricePerMillion === null && m.outputPricePerMillion === null ? m.id : `${m.id}, ${price(m.inputPricePerMillion)}, ${price(m.outputPricePerMillion)}`)).join("\n");
}

/** The line (from 1) each model of `text` is on. */
const modelLineNumbers = (text: string) => text.split(/\r?\n/).flatMap((line, i) => (line.trim() ? [i + 1] : []));

type ModelLine = ProviderView["models"][number];

/** The models on the lines of `text`; a ValidationError naming each malformed line. */
export function parseModelLines(text: string): ModelLine[] {
  const issues: FieldIssue[] = [];
  const models: ModelLine[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const [id = "", ...prices] = line.split(",").map((part) => part.trim());
    const at = `Line ${index + 1}`;
    if (prices.length > 2) return void issues.push({ field: "models", message: `${at}: expected "name, input price, output price" (found ${prices.length + 1} parts).` });
    const [input, output] = [prices[0] ?? "", prices[1] ?? ""].map((p, i) => {
      if (p === "") return null;
      const value = Number(p);
      if (!Number.isFinite(value)) issues.push({ field: "models", message: `${at}: the ${i === 0 ? "input" : "output"} price "${p}" is not a number.` });
      return value;
    });
    models.push({ id, inputPricePerMillion: input ?? null, outputPricePerMillion: output ?? null });
  });
  if (issues.length) throw new ValidationError(issues.map((i) => i.message).join(" "), issues);
  return models;
}

const text = (value: FormDataEntryValue | null) => String(value ?? "").trim();

/** What was typed (never the key or header values), to show again whatever happens next. */
export function providerFormValues(form: FormData): ProviderFormValues {
  const source = text(form.get("keySource"));
  return {
    name: text(form.get("name")),
    baseUrl: text(form.get("baseUrl")),
    keySource: source === "env" || source === "none" ? source : "stored",
    apiKeyEnv: text(form.get("apiKeyEnv")),
    modelsText: String(form.get("models") ?? "").replace(/\r\n/g, "\n"),
    headerNames: headerRows(form).map((h) => h.name),
    maxConcurrency: text(form.get("maxConcurrency")),
    enabled: form.get("enabled") === "on",
  };
}

/** Header rows as sent: `headers.<i>.name`, `.value` and `.remove`; blank and removed rows left out. */
function headerRows(form: FormData): { name: string; value: string }[] {
  const rows: { name: string; value: string }[] = [];
  for (let i = 0; form.has(`headers.${i}.name`); i++) {
    const name = text(form.get(`headers.${i}.name`));
    const value = String(form.get(`headers.${i}.value`) ?? "");
    if (form.get(`headers.${i}.remove`) === "on" || (!name && !value)) continue;
    rows.push({ name, value });
  }
  return rows;
}

/** The verbs' input from the form; a ValidationError naming the line when a model line is malformed. */
export function providerInputFrom(form: FormData, values: ProviderFormValues): ProviderInput {
  const apiKey: ProviderInput["apiKey"] =
    values.keySource === "env"
      ? { source: "env", variable: values.apiKeyEnv }
      : values.keySource === "none"
        ? { source: "none" }
        : { source: "stored", value: String(form.get("apiKeyValue") ?? "") || undefined };
  return {
    name: values.name,
    baseUrl: values.baseUrl,
    apiKey,
    models: parseModelLines(values.modelsText),
    headers: headerRows(form).map((h) => ({ name: h.name, value: h.value || undefined })),
    // why: an empty box must read as "missing", not as 0 (which Number("") gives).
    maxConcurrency: values.maxConcurrency === "" ? Number.NaN : Number(values.maxConcurrency),
    enabled: values.enabled,
  };
}

/**
 * The verbs' field names turned into the form's (`apiKey.value` → `apiKeyValue`, `models.2.id` →
 * `models` with "Line 3: …"), several messages for one field joined, so each shows by its control.
 */
export function toFormIssues(error: unknown, values: ProviderFormValues): unknown {
  if (!(error instanceof ValidationError) || error.issues.length === 0) return error;
  const modelLines = modelLineNumbers(values.modelsText);
  const merged = new Map<string, string>();
  for (const issue of error.issues) {
    const model = /^models\.(\d+)\./.exec(issue.field);
    const field =
      issue.field === "apiKey.value" ? "apiKeyValue" : issue.field === "apiKey.variable" ? "apiKeyEnv" : issue.field.startsWith("apiKey") ? "keySource" : model ? "models" : issue.field;
    const line = model ? (modelLines[Number(model[1])] ?? Number(model[1]) + 1) : undefined;
    const message = line !== undefined ? `Line ${line}: ${issue.message}` : issue.message;
    merged.set(field, merged.has(field) ? `${merged.get(field)} ${message}` : message);
  }
  const issues = [...merged].map(([field, message]) => ({ field, message }));
  return new ValidationError(error.message, issues);
}
