import type { StoredInput } from "~/modules/items/schemas";
import { READING_WIDTH } from "./output-panels";

const roleStyles: Record<string, string> = {
  system: "bg-slate-100 text-slate-700",
  developer: "bg-slate-100 text-slate-700",
  user: "bg-sky-100 text-sky-900",
  assistant: "bg-emerald-100 text-emerald-900",
  tool: "bg-violet-100 text-violet-900",
};

// Inputs show the exact text, never interpreted: a prompt is what the model saw, markup and all.
const textClass = `${READING_WIDTH} whitespace-pre-wrap break-words text-sm leading-relaxed text-slate-900`;

/** The prompt, or the chat that led to the output with each message's role. */
export function ItemInput({ input }: { input: StoredInput }) {
  return (
    <section aria-labelledby="input-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="input-title" className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {input.type === "text" ? "Prompt" : "Conversation"}
      </h2>
      {input.type === "text" ? (
        <div className={`${textClass} max-h-72 overflow-auto`}>{input.text}</div>
      ) : (
        <ol className="max-h-96 space-y-3 overflow-auto">
          {input.messages.map((message, i) => (
            <li key={i} className="flex gap-3">
              <span className={`h-fit shrink-0 rounded px-1.5 py-0.5 text-xs font-medium ${roleStyles[message.role] ?? roleStyles.system}`}>
                {message.role}
                {message.name ? <span className="font-normal"> · {message.name}</span> : null}
              </span>
              <div className={`${textClass} min-w-0`}>{message.content}</div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
