import { Form, useActionData, useFormAction, useNavigation, useSubmit } from "@remix-run/react";
import { forwardRef, useEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CsrfInput } from "~/components/ui/csrf-input";
import { QuestionList } from "~/components/review/question-list";
import { checkAnswers } from "~/modules/templates/answers";
import type { FieldIssue } from "~/utils/errors";
import type { clientAction } from "./route";
import type { Mode, ReviewData } from "./review-screen";
import { markSubmitted, useSubmitKey, type useAnswerState } from "./use-answer-state";

type Props = { review: ReviewData["review"]; userId: string; submitKey: string; mode: Mode; answers: ReturnType<typeof useAnswerState> };

const MAX_AUTO_RETRIES = 6;

/** Question key → message, from `values.<key>` issues; anything else goes under "" (the form). */
function byQuestion(issues: FieldIssue[] | Record<string, string> | undefined): Record<string, string> {
  const list = Array.isArray(issues) ? issues : Object.entries(issues ?? {}).map(([field, message]) => ({ field, message }));
  return Object.fromEntries(list.map((i) => [i.field.startsWith("values.") ? i.field.slice(7) : "", i.message]));
}

/**
 * The questions and the submit (or, for an answer already given, the edit). Checks required
 * questions before sending; a submit the network lost is sent again with the same idempotency
 * key until it arrives, and the reviewer sees that it is being retried.
 */
export const AnswerForm = forwardRef<HTMLFormElement, Props>(function AnswerForm({ review, userId, submitKey, mode, answers }, ref) {
  const { template, item, annotation, order } = review;
  const result = useActionData<typeof clientAction>();
  const navigation = useNavigation();
  const submit = useSubmit();
  // why: this item's address, not the router's current one (see use-answer-state.ts).
  const action = useFormAction();
  const key = useSubmitKey(userId, item.id, submitKey);
  // why: initialised from the reply too, so a no-JS post that failed shows its messages on the server render.
  const [errors, setErrors] = useState<Record<string, string>>(() => byQuestion(result && "fieldErrors" in result ? result.fieldErrors : undefined));
  const [retries, setRetries] = useState(0);
  const [conflictVersion, setConflictVersion] = useState(0);
  const started = useRef(Date.now());
  const lastSent = useRef<FormData | null>(null);
  const busy = navigation.state === "submitting" && navigation.formData?.get("_intent") !== "draft";
  const version = Math.max(annotation?.version ?? 0, conflictVersion);
  const conflict = result && "conflict" in result ? result.conflict : null;
  const networkError = result && "networkError" in result ? result.networkError : null;

  useEffect(() => {
    if (result && "fieldErrors" in result) setErrors(byQuestion(result.fieldErrors));
    if (conflict) {
      answers.replace(conflict.values);
      setConflictVersion(conflict.version);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per reply, not when the answers change
  }, [result]);

  useEffect(() => {
    if (!networkError || !lastSent.current || retries >= MAX_AUTO_RETRIES) return;
    const again = () => {
      setRetries((n) => n + 1);
      submit(lastSent.current!, { method: "post", action });
    };
    const timer = setTimeout(again, Math.min(30_000, 1000 * 2 ** retries));
    window.addEventListener("online", again);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("online", again);
    };
  }, [networkError, retries, submit, action]);

  const onChange = (questionKey: string, value: unknown) => {
    answers.setValue(questionKey, value);
    if (errors[questionKey]) setErrors(({ [questionKey]: _, ...rest }) => rest);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || mode === "view") return;
    const issues = checkAnswers(template!, answers.values, { outputs: item.outputs });
    setErrors(byQuestion(issues));
    if (issues.length) {
      const first = issues[0]!.field.slice(7);
      event.currentTarget.querySelector<HTMLElement>(`[data-question-key="${CSS.escape(first)}"] :is(input,textarea,button)`)?.focus();
      return;
    }
    const form = new FormData(event.currentTarget);
    form.set("_intent", mode === "edit" ? "edit" : "submit");
    form.set("_values", JSON.stringify(answers.values));
    form.set("durationMs", String(Math.min(86_400_000, Date.now() - started.current)));
    lastSent.current = form;
    if (mode === "review") markSubmitted(item.id);
    setRetries(0);
    submit(form, { method: "post", action });
  };

  const formError = result && "formError" in result && !conflict ? result.formError : errors[""];
  return (
    <Form ref={ref} method="post" onSubmit={onSubmit} noValidate aria-label="Your answer" className="space-y-4">
      <CsrfInput />
      {mode === "edit" ? (
        <>
          <input type="hidden" name="annotationId" value={annotation!.id} />
          <input type="hidden" name="_version" value={version} />
        </>
      ) : (
        <input type="hidden" name="idempotencyKey" value={key} />
      )}
      {networkError ? (
        <Alert tone="error">
          Your answer has not reached Loupe yet: the connection failed.{" "}
          {retries < MAX_AUTO_RETRIES ? "Trying again automatically" : "Automatic retries stopped"} — it will be recorded only once,
          however many tries it takes.{" "}
          <button type="button" className="font-medium underline" onClick={() => lastSent.current && submit(lastSent.current, { method: "post", action })}>
            Retry now
          </button>
        </Alert>
      ) : null}
      {conflict ? (
        <Alert tone="error">
          <strong className="font-semibold">Changed elsewhere.</strong> This answer was changed (in another tab or on another device)
          since you opened it. The newer version is shown below instead of yours; make your change again if it is still needed.
        </Alert>
      ) : null}
      {result && "edited" in result && !conflict ? <Alert tone="success">Your changes are saved.</Alert> : null}
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <QuestionList
        questions={template!.questions}
        values={answers.values}
        onChange={onChange}
        outputs={item.outputs}
        order={order}
        suggestions={answers.suggestions}
        errors={errors}
        disabled={mode === "view" || busy}
      />
      {mode !== "view" ? (
        <div className="flex items-center gap-3">
          <Button name="_intent" value={mode === "edit" ? "edit" : "submit"} disabled={busy}>
            {busy ? "Sending…" : mode === "edit" ? "Save changes" : "Submit"}
          </Button>
          <span className="text-xs text-slate-500">
            or <kbd className="font-mono">Ctrl</kbd>+<kbd className="font-mono">Enter</kbd>
          </span>
        </div>
      ) : null}
    </Form>
  );
});
