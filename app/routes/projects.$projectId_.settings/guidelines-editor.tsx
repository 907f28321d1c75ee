import { useState } from "react";
import { Markdown } from "~/components/markdown";
import { TextareaField } from "~/components/ui/textarea-field";

/** The guidelines as markdown source beside the way reviewers will see them, updated as you type. */
export function GuidelinesEditor({ defaultValue, error }: { defaultValue: string; error: string | undefined }) {
  const [text, setText] = useState(defaultValue);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <TextareaField
        label="Guidelines (markdown)"
        name="guidelines"
        rows={14}
        defaultValue={defaultValue}
        onChange={(event) => setText(event.currentTarget.value)}
        error={error}
        spellCheck
      />
      <section aria-labelledby="guidelines-preview-heading" className="min-w-0">
        <h3 id="guidelines-preview-heading" className="text-sm font-medium text-slate-700">
          Preview
        </h3>
        <div className="mt-1 max-h-96 overflow-y-auto rounded-md border border-slate-200 bg-slate-50 p-3">
          {text.trim() ? <Markdown text={text} /> : <p className="text-sm text-slate-500">No guidelines yet.</p>}
        </div>
      </section>
    </div>
  );
}
