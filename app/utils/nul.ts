import type { FieldIssue } from "./errors";

// why: PostgreSQL text and jsonb cannot hold U+0000; a NUL that reaches a statement fails it
// with a 500 (and used to put the statement's parameters in the log).
export const NUL_MESSAGE = "contains a NUL character (U+0000), which Loupe cannot store; remove it and send again.";

type Step = { key: string | number; parent: Step | null };

/**
 * Where the first NUL is in a JSON-like value: the dotted path of the string (or object key)
 * that holds it, "(body)" for the value itself, or null when there is none. Walks with its own
 * stack and shared path links, so a deeply nested body costs neither the call stack nor memory.
 */
export function findNul(value: unknown): string | null {
  const stack: { value: unknown; at: Step | null }[] = [{ value, at: null }];
  while (stack.length) {
    const { value: current, at } = stack.pop()!;
    if (typeof current === "string") {
      if (current.includes("\u0000")) return pathOf(at);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], at: { key: i, parent: at } });
    } else if (current !== null && typeof current === "object") {
      const entries = Object.entries(current);
      for (const [key] of entries) if (key.includes("\u0000")) return pathOf({ key, parent: at });
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], at: { key: entries[i]![0], parent: at } });
    }
  }
  return null;
}

/**
 * The first form field (name or value) holding a NUL, by the field's name; files are not text.
 * A field that carries JSON (the review form's answers, the template editor's text) is looked
 * into too, since JSON spells a NUL as the six characters `\u0000`: it is then named by its
 * field and the path inside, e.g. `_values.comment`.
 */
export function findNulInFields(entries: Iterable<[string, unknown]>): string | null {
  for (const [name, value] of entries) {
    const field = name.replaceAll("\u0000", "\\0");
    if (name.includes("\u0000") || (typeof value === "string" && value.includes("\u0000"))) return field;
    if (typeof value === "string" && value.includes("\\u0000") && /^\s*[[{]/.test(value)) {
      const inner = nulInJson(value);
      if (inner !== null) return inner === "(body)" ? field : `${field}.${inner}`;
    }
  }
  return null;
}

function nulInJson(text: string): string | null {
  try {
    return findNul(JSON.parse(text));
  } catch {
    return null; // not JSON after all: whoever reads the field refuses it
  }
}

export function nulIssue(field: string): FieldIssue {
  return { field, message: NUL_MESSAGE };
}

function pathOf(at: Step | null): string {
  const keys: string[] = [];
  for (let step = at; step; step = step.parent) keys.push(String(step.key).replaceAll("\u0000", "\\0"));
  return keys.length ? keys.reverse().join(".") : "(body)";
}
