import { Await, Link, useLoaderData } from "@remix-run/react";
import { Suspense, useRef, useState } from "react";
import { GuidelinesDrawer, ShortcutsDialog } from "~/components/review/dialogs";
import { GoldFeedback } from "~/components/review/gold-feedback";
import { ItemInput } from "~/components/review/item-input";
import { MetadataPanel } from "~/components/review/metadata-panel";
import { OutputPanels, ReferencePanel } from "~/components/review/output-panels";
import { useReviewShortcuts } from "~/components/review/use-review-shortcuts";
import { AnswerForm } from "./answer-form";
import { NextForm, SkipPanel } from "./item-actions";
import { ReviewerProgressLine } from "./reviewer-progress";
import { OthersAnswers } from "./others-answers";
import type { loader } from "./route";
import { useAnswerState, type SaveStatus } from "./use-answer-state";

export type ReviewData = ReturnType<typeof useLoaderData<typeof loader>>;
export type Mode = "review" | "edit" | "view";

const statusText: Record<SaveStatus, string> = {
  idle: "",
  pending: "Saving…",
  saving: "Saving…",
  saved: "Saved",
  offline: "Offline — kept on this device",
  failed: "Not saved on the server — kept on this device",
};

/** The review screen for one item: what to judge on the left, the questions on the right. */
export function ReviewScreen({ review, userId, submitKey, progress }: ReviewData) {
  const { project, template, item, annotation, assignment, order, others } = review;
  const mode: Mode = annotation?.status === "submitted" ? "edit" : assignment?.state === "leased" && template ? "review" : "view";
  const answers = useAnswerState({
    userId,
    itemId: item.id,
    questions: template?.questions ?? [],
    outputs: item.outputs,
    saved: annotation,
    suggestions: review.suggestions,
    autosave: mode === "review",
  });
  const [dialog, setDialog] = useState<"help" | "guidelines" | null>(null);
  const [skipOpen, setSkipOpen] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);

  useReviewShortcuts({
    questions: template?.questions ?? [],
    values: answers.values,
    order,
    onChange: answers.setValue,
    submit: () => formRef.current?.requestSubmit(),
    skip: () => {
      if (mode !== "review") return;
      setSkipOpen(true);
      requestAnimationFrame(() => reasonRef.current?.focus());
    },
    help: () => setDialog("help"),
    guidelines: () => setDialog("guidelines"),
    acceptSuggestions: answers.acceptAll,
    // Keys are off while a dialog is open: the hook asks the page, which knows at once.
    enabled: mode !== "view",
  });

  return (
    <div className="xl:mx-[calc(-1*min(12rem,(100vw-72rem)/2-1.5rem))]">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">
            <Link to={`/projects/${project.id}`} className="underline decoration-slate-300 underline-offset-2 hover:decoration-slate-600">
              {project.name}
            </Link>
          </p>
          <h1 className="text-xl font-bold tracking-tight">Item #{item.id}</h1>
          <Suspense fallback={<p className="h-5 text-sm text-slate-500" />}>
            <Await resolve={progress} errorElement={null}>
              {(counts) => (counts ? <ReviewerProgressLine progress={counts} holding={mode === "review"} /> : null)}
            </Await>
          </Suspense>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span role="status" aria-live="polite" className={`mr-2 ${answers.status === "offline" || answers.status === "failed" ? "font-medium text-amber-700" : "text-slate-500"}`}>
            {statusText[answers.status]}
          </span>
          <HeaderButton onClick={() => setDialog("guidelines")}>Guidelines</HeaderButton>
          <HeaderButton onClick={() => setDialog("help")}>
            Shortcuts <kbd aria-hidden="true" className="font-mono text-xs">?</kbd>
          </HeaderButton>
          <Link to={`/projects/${project.id}/work`} className="rounded-md px-3 py-1.5 font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
            My work
          </Link>
        </div>
      </div>
      {answers.restored ? (
        <p role="status" className="mb-3 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          {answers.restored === "device" ? "Your unsaved answers were restored from this device." : "Your draft was restored."}
        </p>
      ) : null}
      <ModeBanner mode={mode} skipped={assignment?.state === "skipped"} hasTemplate={!!template} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(22rem,28rem)]">
        {/* why: the outputs stay in view while the reviewer works down a long list of questions. */}
        <div className="min-w-0 space-y-4 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-auto">
          <ItemInput input={item.input} />
          <OutputPanels outputs={item.outputs} order={order} />
          {item.reference ? <ReferencePanel text={item.reference} /> : null}
          {others ? <OthersAnswers others={others} /> : null}
        </div>
        <div className="space-y-4">
          {review.goldFeedback ? <GoldFeedback feedback={review.goldFeedback} /> : null}
          {template && mode !== "view" && answers.acceptable > 0 ? (
            <button
              type="button"
              onClick={answers.acceptAll}
              className="w-full rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-left text-sm font-medium text-amber-900 hover:bg-amber-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              Accept all suggestions <kbd className="ml-1 rounded border border-amber-300 bg-white px-1.5 font-mono text-xs">Y</kbd>
            </button>
          ) : null}
          {template ? (
            <AnswerForm ref={formRef} review={review} submitKey={submitKey} userId={userId} mode={mode} answers={answers} />
          ) : null}
          {mode === "review" ? (
            <SkipPanel open={skipOpen} onToggle={setSkipOpen} reasonRef={reasonRef} />
          ) : (
            <NextForm />
          )}
          <MetadataPanel metadata={item.metadata as Record<string, unknown>} model={item.outputs.length === 1 ? item.outputs[0]?.model : undefined} externalId={item.externalId} itemId={item.id} />
        </div>
      </div>
      <GuidelinesDrawer open={dialog === "guidelines"} onClose={() => setDialog(null)} guidelines={project.guidelines} />
      <ShortcutsDialog open={dialog === "help"} onClose={() => setDialog(null)} />
    </div>
  );
}

function HeaderButton({ onClick, children }: { onClick: () => void; children: React.ReactNode }) {
  return (
    <button type="button" onClick={onClick} className="rounded-md px-3 py-1.5 font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
      {children}
    </button>
  );
}

function ModeBanner({ mode, skipped, hasTemplate }: { mode: Mode; skipped: boolean; hasTemplate: boolean }) {
  const text =
    mode === "edit"
      ? "You answered this item. You can change your answer below."
      : !hasTemplate
        ? "This project has no review template yet, so there is nothing to answer."
        : skipped
          ? "You skipped this item."
          : mode === "view"
            ? "You are not holding this item, so you can look but not answer."
            : null;
  return text ? <p className="mb-3 rounded-md border border-slate-200 bg-slate-100 px-3 py-2 text-sm text-slate-700">{text}</p> : null;
}
