import type { MetaFunction } from "@remix-run/node";
import {
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { SuggestionReview } from "~/components/research/suggestion-review";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { formatUsd } from "~/modules/llm/cost";
import { listProviderChoices } from "~/modules/llm/queries.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { MAX_SUGGEST_COMMENTS } from "~/modules/research/research-schemas";
import {
  decideSuggestion,
  listPendingSuggestions,
  suggestThemes,
} from "~/modules/research/suggest-themes.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Theme suggestions · ${data.project.name} · Loupe`
      : "Theme suggestions · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const subject = { isAdmin: actor.isAdmin, role: project.role };
  const pending = await listPendingSuggestions(db, actor, project.id);
  const mayRun = can(subject, "llm.run");
  return {
    project,
    pending,
    mayRun,
    mayDecide: can(subject, "feedback.code"),
    providers: mayRun ? await listProviderChoices(db) : [],
  };
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const intent = form.text("intent");
    if (intent === "accept" || intent === "reject") {
      await decideSuggestion(db, actor, form.text("suggestionId"), {
        decision: intent,
      });
      return {
        notice:
          intent === "accept"
            ? "Accepted: the comment is coded with the theme."
            : "Rejected.",
      };
    }
    const [providerId, ...model] = form.text("model").split("|");
    const report = await suggestThemes(db, actor, params.projectId ?? "", {
      providerId: providerId ?? "",
      model: model.join("|"),
      limit: form.text("limit") as unknown as number,
      filter: {
        from: form.optional("from"),
        to: form.optional("to"),
        uncodedOnly: true,
      },
    });
    const dropped = report.droppedUnknownTheme + report.droppedQuoteNotFound;
    return {
      notice:
        `Asked about ${report.asked} comment(s): ${report.stored} suggestion(s) to review` +
        (dropped
          ? `; dropped ${report.droppedUnknownTheme} naming a theme not in the codebook and ${report.droppedQuoteNotFound} quoting text not in the comment`
          : "") +
        (report.failed.length
          ? `; ${report.failed.length} comment(s) failed (${
              report.failed[0]!.error
            })`
          : "") +
        `. Cost ${formatUsd(report.costUsd)}${
          report.costComplete ? "" : " or more (a price is unknown)"
        }.`,
    };
  },
  { extra: () => ({ notice: undefined as string | undefined }) }
);

export default function ThemeSuggestionsPage() {
  const { project, pending, mayRun, mayDecide, providers } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> =
    (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  const models = providers.flatMap((p) =>
    p.models.map((m) => ({
      value: `${p.id}|${m.id}`,
      label: `${p.name} · ${m.id}`,
    }))
  );
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title="Theme suggestions"
        description={
          <>
            <Link
              to={`/projects/${project.id}/feedback`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
            >
              {project.name} · feedback
            </Link>{" "}
            · a model suggests codebook themes for uncoded comments; nothing is
            applied until a researcher accepts it.
          </>
        }
      />
      <FeedbackNav role={project.role} />
      {result?.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result && "formError" in result && result.formError ? (
        <Alert tone="error">{result.formError}</Alert>
      ) : null}
      <Section title={`Pending (${pending.total})`}>
        <SuggestionReview
          suggestions={pending.suggestions}
          mayDecide={mayDecide}
        />
      </Section>
      {mayRun ? (
        <Section
          title="Ask a model"
          description={`Up to ${MAX_SUGGEST_COMMENTS} comments a request, newest first, among those nobody has coded and no model was asked about. The provider is paid for each.`}
        >
          {models.length === 0 ? (
            <p className="text-sm text-slate-600">
              No LLM provider is enabled; an admin adds one under Admin › LLM
              providers.
            </p>
          ) : (
            <PostForm className="grid items-end gap-3 sm:grid-cols-4">
              <input type="hidden" name="intent" value="request" />
              <SelectField
                label="Model"
                name="model"
                options={models}
                error={errors.providerId ?? errors.model}
              />
              <Field
                label="Comments"
                name="limit"
                type="number"
                min={1}
                max={MAX_SUGGEST_COMMENTS}
                defaultValue="20"
                error={errors.limit}
              />
              <Field
                label="From"
                name="from"
                type="date"
                error={errors["filter.from"]}
              />
              <Field
                label="To"
                name="to"
                type="date"
                error={errors["filter.to"]}
              />
              <div className="sm:col-span-4">
                <Button disabled={busy}>
                  {busy ? "Asking…" : "Suggest themes"}
                </Button>
              </div>
            </PostForm>
          )}
        </Section>
      ) : null}
    </div>
  );
}
