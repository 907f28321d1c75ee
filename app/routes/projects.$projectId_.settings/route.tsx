import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { MAX_OVERLAP } from "~/modules/projects/schemas";
import { updateProjectSettings, type SettingsInput } from "~/modules/projects/update-settings.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { GuidelinesEditor } from "./guidelines-editor";
import { getProjectSettings } from "./queries.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Settings · ${data.settings.name} · Loupe` : "Settings · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  return { settings: await getProjectSettings(db, actor, params.projectId ?? "") };
});

// why: an empty box must read as "missing", not as 0 (which Number("") gives).
const whole = (value: string) => (value.trim() === "" ? Number.NaN : Number(value));
const settingsValues = (form: FormReader) => ({
  ...form.pick("name", "description", "guidelines", "overlap", "leaseMinutes", "itemOrder", "goldRate", "onboardingItems", "onboardingPassMark"),
  showReviewerNames: form.checked("showReviewerNames"),
  hideSuggestionsUntilAnswered: form.checked("hideSuggestionsUntilAnswered"),
  reviewerVisibleFields: form.pick("reviewerVisibleFields").reviewerVisibleFields,
});
const fieldList = (value: string) =>
  value
    .split(/[,\n]/)
    .map((f) => f.trim())
    .filter(Boolean);

export const action = formAction(
  async ({ actor, form, params }) => {
    const values = settingsValues(form);
    const input = {
      ...values,
      overlap: whole(values.overlap),
      leaseMinutes: whole(values.leaseMinutes),
      itemOrder: values.itemOrder as SettingsInput["itemOrder"],
      reviewerVisibleFields: fieldList(values.reviewerVisibleFields),
      // The form asks for percentages; the setting is a share.
      goldRate: whole(values.goldRate) / 100,
      onboardingItems: whole(values.onboardingItems),
      onboardingPassMark: values.onboardingPassMark.trim() === "" ? null : whole(values.onboardingPassMark) / 100,
    };
    await updateProjectSettings(db, actor, params.projectId ?? "", input);
    return { notice: "Settings saved.", values: undefined };
  },
  { extra: (form) => ({ values: settingsValues(form), notice: undefined }), conflictField: "name" },
);

const orderOptions = [
  { value: "priority", label: "Priority, then oldest first" },
  { value: "random", label: "Random" },
  { value: "uncertain", label: "Most uncertain first" },
];

export default function ProjectSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const percent = (share: number | null) => (share === null ? "" : String(Math.round(share * 1000) / 10));
  const shown = { ...settings, goldRate: percent(settings.goldRate), onboardingPassMark: percent(settings.onboardingPassMark), ...result?.values };
  const errors: Record<string, string | undefined> = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Project settings"
        description={
          <Link to={`/projects/${settings.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {settings.name}
          </Link>
        }
      />
      <PostForm className="space-y-6" aria-label="Project settings">
        {result?.notice ? <Alert tone="success">{result.notice}</Alert> : null}
        {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
        {Object.keys(errors).length ? <Alert tone="error">The settings were not saved: see the fields marked below.</Alert> : null}
        <Section title="About">
          <div className="space-y-4">
            <Field label="Name" name="name" required maxLength={120} defaultValue={shown.name} error={errors.name} />
            <TextareaField label="Description" name="description" maxLength={2000} rows={3} defaultValue={shown.description} error={errors.description} />
          </div>
        </Section>
        <Section title="Guidelines" description="Markdown, shown to reviewers before their first item and in a drawer while they review.">
          <GuidelinesEditor defaultValue={shown.guidelines} error={errors.guidelines} />
        </Section>
        <Section title="Queue">
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              label="Annotations per item"
              name="overlap"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_OVERLAP}
              required
              defaultValue={shown.overlap}
              hint={`How many reviewers answer each item (1–${MAX_OVERLAP}).`}
              error={errors.overlap}
            />
            <Field
              label="Lease minutes"
              name="leaseMinutes"
              type="number"
              inputMode="numeric"
              min={1}
              max={1440}
              required
              defaultValue={shown.leaseMinutes}
              hint="How long an item stays with a reviewer before it returns to the queue."
              error={errors.leaseMinutes}
            />
            <SelectField
              label="Item order"
              name="itemOrder"
              defaultValue={shown.itemOrder}
              options={orderOptions}
              hint="Most uncertain first: items the project's classifier is least sure of come first, so each label teaches it most. Items it has not predicted come after, in priority order."
              error={errors.itemOrder}
            />
          </div>
        </Section>
        <Section
          title="Gold items and onboarding"
          description="Gold items have a known right answer (import with gold answers, or mark them in the data manager). They never count toward progress and are left out of datasets unless a dataset asks for them."
        >
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              label="Gold rate (%)"
              name="goldRate"
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step="any"
              required
              defaultValue={shown.goldRate}
              hint="The share of claims that hand a reviewer a gold item they have not answered, unmarked, while regular items are left."
              error={errors.goldRate}
            />
            <Field
              label="Onboarding items"
              name="onboardingItems"
              type="number"
              inputMode="numeric"
              min={0}
              max={200}
              required
              defaultValue={shown.onboardingItems}
              hint="A new reviewer first answers this many gold items and sees the right answer and why after each (0: no onboarding round)."
              error={errors.onboardingItems}
            />
            <Field
              label="Pass mark (%)"
              name="onboardingPassMark"
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step="any"
              defaultValue={shown.onboardingPassMark}
              hint="The share of the onboarding round a reviewer must get right before the real queue opens. Empty: no pass mark."
              error={errors.onboardingPassMark}
            />
          </div>
        </Section>
        <Section title="People" description="Managers always see members' names and emails. Everyone else sees a pseudonym per person (the same one the quality report and exports use).">
          <CheckboxField
            label="Show reviewer names to members"
            name="showReviewerNames"
            defaultChecked={shown.showReviewerNames}
            hint="Reviewers, researchers and engineers then see names (never emails) on the review screen, the members list, progress and quality."
          />
        </Section>
        <Section
          title="Blind review"
          description="Reviewers see the input and the outputs, never who or what made them: model names and the item's metadata are hidden unless you name them here. Managers, engineers and researchers always see everything."
        >
          <Field
            label="Fields reviewers may see"
            name="reviewerVisibleFields"
            defaultValue={Array.isArray(shown.reviewerVisibleFields) ? shown.reviewerVisibleFields.join(", ") : shown.reviewerVisibleFields}
            hint={'Comma-separated: "model" shows the outputs\' model names; any other name shows the metadata field of that name (e.g. "language, product"). Empty: fully blind.'}
            error={Object.entries(errors).find(([field]) => field.startsWith("reviewerVisibleFields"))?.[1]}
          />
        </Section>
        <Section title="Suggestions" description="Answers proposed by an LLM judge, an import or a classifier are pre-filled on the review screen and marked with where they came from. They never count as a reviewer's answer until a reviewer submits them.">
          <CheckboxField
            label="Hide suggestions until the reviewer has answered"
            name="hideSuggestionsUntilAnswered"
            defaultChecked={shown.hideSuggestionsUntilAnswered}
            hint="Against anchoring: reviewers answer from a blank form and see the suggestions only after submitting (for comparison, when they open the item again)."
          />
        </Section>
        <div className="flex flex-wrap items-center gap-3">
          <Button disabled={busy}>{busy ? "Saving…" : "Save settings"}</Button>
          <Link to={`/projects/${settings.id}`} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Cancel
          </Link>
        </div>
      </PostForm>
      <Section title="Webhooks" description="Tell other systems when an item is resolved, a dataset is ready, an import or a job finishes.">
        <Link to={`/projects/${settings.id}/webhooks`} className="text-sm font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
          Manage webhooks
        </Link>
      </Section>
    </div>
  );
}
