import { inputAsText, type ChatMessage, type StoredInput } from "~/modules/items/schemas";
import { responseName } from "~/modules/questions/labels";
import type { FieldIssue } from "~/utils/errors";
import { promptVariables, type PromptDefinition } from "./schemas";

/** What a prompt reads of an item. */
export type PromptItem = { input: StoredInput; outputs: { text: string; model?: string }[]; reference: string | null; metadata: Record<string, unknown> };
export type RenderOptions = {
  /** Output indexes in the order the model is shown them (A, B…); default: stored order. */
  shown?: number[];
};

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const METADATA = /^metadata\.[\w-]+(\.[\w-]+)*$/;

/** The variables a template names, in order of appearance. */
export function variablesIn(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1]!);
}

/** One issue per unknown variable, naming the field and what may be used instead. */
export function checkPrompt(def: Pick<PromptDefinition, "system" | "user">): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of ["system", "user"] as const) {
    for (const name of variablesIn(def[field])) {
      if (!(promptVariables as readonly string[]).includes(name) && !METADATA.test(name)) {
        issues.push({ field, message: `Unknown variable {{${name}}}: use ${promptVariables.map((v) => `{{${v}}}`).join(", ")} or {{metadata.<field>}}.` });
      }
    }
  }
  return issues;
}

export class RenderError extends Error {}

/**
 * The chat messages a prompt version makes of one item: the system prompt, then the user message
 * with its variables filled in. A user message that is exactly `{{input}}` on a chat item sends
 * the item's own conversation (its messages stay messages); elsewhere a chat renders as a
 * transcript. A variable the item cannot fill (no output, no reference, no such metadata field)
 * is a RenderError saying which — never an empty string the model would answer anyway.
 */
export function renderPrompt(def: Pick<PromptDefinition, "system" | "user">, item: PromptItem, options: RenderOptions = {}): ChatMessage[] {
  const shown = options.shown ?? item.outputs.map((_, i) => i);
  const system = def.system.trim() ? [{ role: "system" as const, content: fill(def.system, item, shown) }] : [];
  if (def.user.trim() === "{{input}}" && item.input.type === "messages") return [...system, ...item.input.messages];
  return [...system, { role: "user", content: fill(def.user, item, shown) }];
}

function fill(template: string, item: PromptItem, shown: number[]): string {
  return template.replace(VARIABLE, (_, name: string) => value(name, item, shown));
}

function value(name: string, item: PromptItem, shown: number[]): string {
  const output = (position: number) => {
    const text = item.outputs[shown[position] ?? -1]?.text;
    if (text === undefined) throw new RenderError(position === 0 ? "The item has no output for {{output}}." : `The item has no ${responseName(position)} for {{output_${String.fromCharCode(97 + position)}}}.`);
    return text;
  };
  switch (name) {
    case "input":
      return inputAsText(item.input, "\n\n");
    case "output":
      return output(0);
    case "output_a":
      return output(0);
    case "output_b":
      return output(1);
    case "outputs":
      if (!shown.length) throw new RenderError("The item has no outputs for {{outputs}}.");
      return shown.map((_, position) => `${responseName(position)}:\n${output(position)}`).join("\n\n");
    case "reference":
      if (item.reference === null) throw new RenderError("The item has no reference for {{reference}}.");
      return item.reference;
    default: {
      let current: unknown = item.metadata;
      for (const part of name.slice("metadata.".length).split(".")) current = current && typeof current === "object" ? (current as Record<string, unknown>)[part] : undefined;
      if (current === undefined || current === null) throw new RenderError(`The item has no metadata field ${name.slice("metadata.".length)} for {{${name}}}.`);
      return typeof current === "string" ? current : JSON.stringify(current);
    }
  }
}
