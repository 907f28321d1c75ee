import { questionKindModules, questionKinds, type QuestionKind } from "~/modules/questions";

/**
 * A question as the editor holds it: whatever the manager typed, valid or not, because the
 * server's zod check is the one that decides (and names the field that is wrong).
 */
export type Draft = Record<string, unknown>;

export const kindLabels = Object.fromEntries(questionKinds.map((kind) => [kind, questionKindModules[kind].label])) as Record<QuestionKind, string>;

export const isKind = (value: unknown): value is QuestionKind => questionKinds.includes(value as QuestionKind);

const kindDefaults = (kind: QuestionKind): Draft => questionKindModules[kind].defaults();

/** A new question of a kind, with a key no other question uses. */
export function newQuestion(kind: QuestionKind, taken: Draft[]): Draft {
  const keys = new Set(taken.map((q) => q.key));
  let key: string = kind;
  for (let n = 2; keys.has(key); n++) key = `${kind}_${n}`;
  return { key, kind, text: "", required: false, ...kindDefaults(kind) };
}

/** The same question asked another way: what every kind shares stays, the rest starts afresh. */
export function changeKind(question: Draft, kind: QuestionKind): Draft {
  const { key, text, help, required } = question;
  return { key, text, ...(help === undefined ? {} : { help }), required, kind, ...kindDefaults(kind) };
}

// Optional texts are left out when empty, so the stored template says nothing rather than "".
const optionalTexts = new Set(["help", "minLabel", "maxLabel", "placeholder"]);

export function setField(question: Draft, field: string, value: unknown): Draft {
  const next = { ...question, [field]: value };
  if ((optionalTexts.has(field) && value === "") || value === undefined) delete next[field];
  return next;
}

export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved!);
  return next;
}

export const asText = (value: unknown) => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value));
export const asNumber = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : "");

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** One value per line. */
export const plainLines = {
  parse: (text: string): string[] => lines(text),
  format: (value: unknown): string => (Array.isArray(value) ? value.map(asText).join("\n") : ""),
};

/** Choice options, one per line: `value` or `value | label shown to reviewers`. */
export const optionLines = {
  parse: (text: string) =>
    lines(text).map((line) => {
      const bar = line.indexOf("|");
      if (bar < 0) return { value: line };
      const label = line.slice(bar + 1).trim();
      return label ? { value: line.slice(0, bar).trim(), label } : { value: line.slice(0, bar).trim() };
    }),
  format: (value: unknown): string =>
    Array.isArray(value)
      ? value
          .map((o: { value?: unknown; label?: unknown } | null) =>
            o && typeof o === "object" ? (o.label ? `${asText(o.value)} | ${asText(o.label)}` : asText(o.value)) : asText(o),
          )
          .join("\n")
      : "",
};

/** What the JSON box holds: the questions in the shape the API takes. */
export const toJson = (questions: Draft[]) => JSON.stringify({ questions }, null, 2);

/** The questions in a JSON text, or null while it is not (yet) a template's JSON. */
export function fromJson(text: string): Draft[] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || !Array.isArray((parsed as { questions?: unknown }).questions)) return null;
    return (parsed as { questions: unknown[] }).questions.map((q) => (q && typeof q === "object" && !Array.isArray(q) ? (q as Draft) : {}));
  } catch {
    return null;
  }
}
