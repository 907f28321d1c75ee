import { useEffect, useRef, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { questionKinds, type QuestionKind } from "~/modules/templates/schemas";
import { changeKind, fromJson, kindLabels, move, newQuestion, toJson, type Draft } from "./drafts";
import { TemplatePreview } from "./preview";
import { QuestionCard } from "./question-card";

type Entry = { id: number; question: Draft };

/**
 * The template as a form of question cards, with the same template as JSON underneath. The JSON
 * box is the field the form posts: it follows the cards, and the cards follow it while it parses,
 * so the page also works before (or without) JavaScript by editing the JSON.
 */
export function TemplateEditor({
  initialText,
  fallback,
  errors,
  busy,
}: {
  initialText: string;
  fallback: Draft[];
  errors: Record<string, string>;
  busy: boolean;
}) {
  const nextId = useRef(0);
  const entriesOf = (questions: Draft[]) => questions.map((question) => ({ id: nextId.current++, question }));
  const [entries, setEntries] = useState<Entry[]>(() => entriesOf(fromJson(initialText) ?? fallback));
  const [jsonText, setJsonText] = useState(initialText);
  const [jsonBroken, setJsonBroken] = useState(false);
  const [added, setAdded] = useState<number | null>(null);
  const [newKind, setNewKind] = useState<QuestionKind>("rating");
  // why: messages name questions by position; once questions move, those positions lie.
  const [staleErrors, setStaleErrors] = useState<Record<string, string> | null>(null);
  const shownErrors = errors === staleErrors ? {} : errors;
  const jsonError = shownErrors.template;
  const details = useRef<HTMLDetailsElement>(null);
  // why: React would close the box whenever a controlled `open` flips back; so it is set once
  // for the server render and opened by hand when the server refuses the JSON.
  const [openAtFirst] = useState(jsonError !== undefined || fromJson(initialText) === null);
  useEffect(() => {
    if (jsonError && details.current) details.current.open = true;
  }, [jsonError]);

  const questions = entries.map((e) => e.question);
  const update = (next: Entry[], reshaped = false) => {
    setEntries(next);
    setJsonText(toJson(next.map((e) => e.question)));
    setJsonBroken(false);
    if (reshaped) setStaleErrors(errors);
  };
  const editAt = (index: number, question: Draft) => update(entries.map((e, i) => (i === index ? { ...e, question } : e)));
  const addQuestion = () => {
    const entry = { id: nextId.current++, question: newQuestion(newKind, questions) };
    setAdded(entry.id);
    update([...entries, entry], true);
  };
  const onJson = (text: string) => {
    setJsonText(text);
    const parsed = fromJson(text);
    setJsonBroken(parsed === null);
    if (parsed) setEntries(entriesOf(parsed));
  };

  const general = Object.entries(shownErrors)
    .filter(([field]) => field !== "template" && !/^questions\.\d+(\.|$)/.test(field))
    .map(([, message]) => message);
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <PostForm aria-label="Template" className="min-w-0 space-y-4">
        {Object.keys(shownErrors).length ? <Alert tone="error">The template was not saved: fix what is marked below.</Alert> : null}
        {general.length ? (
          <div role="alert">
            <ul aria-label="Template problems" className="list-disc rounded-md border border-red-200 bg-red-50 py-2 pl-8 pr-4 text-sm text-red-700">
              {general.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <ol aria-label="Questions" className="space-y-4">
          {entries.map((entry, index) => {
            const prefix = `questions.${index}`;
            const mine = Object.entries(shownErrors).filter(([field]) => field === prefix || field.startsWith(`${prefix}.`));
            const errorFor = (name: string) => {
              const found = mine.filter(([field]) => field === `${prefix}.${name}` || field.startsWith(`${prefix}.${name}.`));
              return found.length ? found.map(([, message]) => message).join(" ") : undefined;
            };
            const leftover = mine.filter(([field]) => !cardFields.has(field.slice(prefix.length + 1).split(".")[0] ?? "")).map(([, m]) => m);
            return (
              <li key={entry.id}>
                <QuestionCard
                  question={entry.question}
                  number={index + 1}
                  count={entries.length}
                  errorFor={errorFor}
                  leftoverErrors={leftover}
                  autoFocus={entry.id === added}
                  onChange={(question) => editAt(index, question)}
                  onKind={(kind) => editAt(index, changeKind(entry.question, kind))}
                  onMove={(by) => update(move(entries, index, index + by), true)}
                  onRemove={() => update(entries.filter((e) => e.id !== entry.id), true)}
                />
              </li>
            );
          })}
        </ol>
        {entries.length === 0 ? <p className="text-sm text-slate-600">No questions. Add at least one before saving.</p> : null}
        <div className="flex flex-wrap items-end gap-2 rounded-lg border border-dashed border-slate-300 p-3">
          <label className="text-sm font-medium text-slate-700">
            Kind of new question
            <select
              value={newKind}
              onChange={(e) => setNewKind(e.target.value as QuestionKind)}
              className="mt-1 block rounded-md border-0 bg-white py-2 pl-3 pr-8 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
            >
              {questionKinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabels[kind]}
                </option>
              ))}
            </select>
          </label>
          <Button type="button" variant="secondary" onClick={addQuestion}>
            Add question
          </Button>
        </div>
        <details ref={details} open={openAtFirst || undefined} className="rounded-lg border border-slate-200 bg-white p-3">
          <summary className="cursor-pointer text-sm font-medium">Edit as JSON</summary>
          <p id="template-json-hint" className="mt-2 text-xs text-slate-500">
            The same JSON as <code>PUT /api/v1/projects/:id/template</code>. It and the form above follow each other.
          </p>
          <label htmlFor="template-json" className="sr-only">
            Template as JSON
          </label>
          <textarea
            id="template-json"
            name="template"
            rows={16}
            value={jsonText}
            onChange={(e) => onJson(e.target.value)}
            aria-describedby={jsonError ? "template-json-hint template-json-error" : "template-json-hint"}
            aria-invalid={jsonBroken || jsonError !== undefined || undefined}
            spellCheck={false}
            className="mt-2 block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid]:ring-red-500"
          />
          {jsonError ? (
            <p id="template-json-error" role="alert" className="mt-1 text-sm text-red-600">
              {jsonError}
            </p>
          ) : null}
          {jsonBroken ? <p className="mt-1 text-sm text-amber-700">Not valid template JSON yet: the form above shows the last valid version.</p> : null}
        </details>
        <Button disabled={busy}>{busy ? "Saving…" : "Save template"}</Button>
      </PostForm>
      {/* why: outside the form, so the preview's own inputs neither post nor submit it on Enter. */}
      <TemplatePreview questions={questions} />
    </div>
  );
}

const cardFields = new Set(["key", "kind", "text", "help", "min", "max", "minLabel", "maxLabel", "options", "labels", "maxLength", "placeholder"]);
