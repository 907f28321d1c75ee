import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { SelectField } from "~/components/ui/select-field";
import { exportFormats, formatLabels, machineLabelChoiceLabels, machineLabelChoices, textSourceLabels, textSources } from "~/modules/datasets/schemas";
import type { Question } from "~/modules/templates/schemas";

type Props = { questions: Question[]; values: Record<string, string>; errors: Record<string, string | undefined>; textHint: string };

const keysOf = (questions: Question[], kinds: Question["kind"][]) => [
  { value: "", label: "—" },
  ...questions.filter((q) => kinds.includes(q.kind)).map((q) => ({ value: q.key, label: `${q.text} (${q.key})` })),
];

function Fieldset({ legend, children }: { legend: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <legend className="px-1 text-sm font-semibold text-slate-800">{legend}</legend>
      {children}
    </fieldset>
  );
}

/** Every filter and option of the builder, as plain named inputs of one GET form. */
export function BuilderFields({ questions, values: v, errors: e, textHint }: Props) {
  const ratings = keysOf(questions, ["rating"]);
  return (
    <>
      <Fieldset legend="Which items">
        <SelectField label="Status" name="status" defaultValue={v.status ?? "resolved"} options={[{ value: "resolved", label: "Resolved (with consensus)" }, { value: "unresolved", label: "Unresolved" }, { value: "any", label: "Any" }]} />
        <SelectField
          label="Machine labels"
          name="machineLabels"
          defaultValue={v.machineLabels ?? "exclude"}
          options={machineLabelChoices.map((value) => ({ value, label: machineLabelChoiceLabels[value] }))}
          hint="labels the routing policy gave (classifier, LLM); each keeps its source"
          error={e.machineLabels}
        />
        <CheckboxField
          label="Include gold items; gold answers count as labels"
          name="gold"
          defaultChecked={v.gold === "on"}
          hint="gold items (reviewers' training items) are left out unless this is on; their gold answers label items with no consensus, marked gold"
        />
        <div className="grid grid-cols-3 gap-2">
          <div className="col-span-3">
            <SelectField label="Rating question" name="ratingQuestion" defaultValue={v.ratingQuestion ?? ratings[1]?.value ?? ""} options={ratings} error={e.ratingQuestion} />
          </div>
          <Field label="Rating at least" name="ratingMin" type="number" step="any" defaultValue={v.ratingMin ?? ""} error={e.ratingMin} />
          <Field label="at most" name="ratingMax" type="number" step="any" defaultValue={v.ratingMax ?? ""} error={e.ratingMax} />
        </div>
        <SelectField label="Correction" name="hasCorrection" defaultValue={v.hasCorrection ?? ""} options={[{ value: "", label: "Either" }, { value: "yes", label: "Has a correction" }, { value: "no", label: "Has no correction" }]} error={e.hasCorrection} />
        <SelectField label="Label question" name="labelsQuestion" defaultValue={v.labelsQuestion ?? ""} options={keysOf(questions, ["choice", "thumbs"])} error={e.labelsQuestion} />
        <Field label="Label in" name="labelsIn" placeholder="billing, shipping" defaultValue={v.labelsIn ?? ""} hint="Comma-separated." error={e.labelsIn} />
        <Field label="Flags present" name="flagsPresent" placeholder="hallucination" defaultValue={v.flagsPresent ?? ""} error={e.flagsPresent} />
        <Field label="Flags absent" name="flagsAbsent" placeholder="toxicity, pii_leak" defaultValue={v.flagsAbsent ?? ""} />
        <div className="grid grid-cols-2 gap-2">
          <Field label="Agreement at least" name="minAgreement" type="number" min={0} max={1} step="0.05" defaultValue={v.minAgreement ?? ""} error={e.minAgreement} />
          <SelectField label="on question" name="agreementQuestion" defaultValue={v.agreementQuestion ?? ""} options={[{ value: "", label: "Every one" }, ...keysOf(questions, ["rating", "thumbs", "choice", "pairwise", "correction", "spans", "flags"]).slice(1)]} />
        </div>
        <Field label="Models" name="models" placeholder="gpt-4o-mini, llama-3-8b" defaultValue={v.models ?? ""} hint="Output model or metadata.model; comma-separated." error={e.models} />
        <div className="grid grid-cols-3 gap-2">
          <Field label="Metadata field" name="metaKey" defaultValue={v.metaKey ?? ""} error={e.metaKey} />
          <SelectField label="is" name="metaOp" defaultValue={v.metaOp ?? "eq"} options={[{ value: "eq", label: "=" }, { value: "neq", label: "≠" }, { value: "gte", label: "≥" }, { value: "lte", label: "≤" }, { value: "exists", label: "set" }, { value: "missing", label: "not set" }]} />
          <Field label="value" name="metaValue" defaultValue={v.metaValue ?? ""} error={e.metaValue} />
        </div>
        <div className="grid grid-cols-2 gap-2">
          <Field label="Created from" name="createdFrom" type="date" defaultValue={v.createdFrom ?? ""} error={e.createdFrom} />
          <Field label="to" name="createdTo" type="date" defaultValue={v.createdTo ?? ""} error={e.createdTo} />
        </div>
      </Fieldset>
      <Fieldset legend="Shape">
        <CheckboxField label="Remove duplicate prompts" name="dedup" defaultChecked={v.dedup === "on"} hint="Compared lower-cased with whitespace collapsed; the oldest item stays." />
        <CheckboxField label="Redact PII" name="redactPii" defaultChecked={v.redactPii === "on"} hint="Emails, phone numbers, card numbers (Luhn), IBANs, IP addresses." />
        <div className="grid grid-cols-3 gap-2">
          <Field label="Train %" name="train" type="number" min={0} max={100} defaultValue={v.train ?? "80"} error={e.train} />
          <Field label="Validation %" name="validation" type="number" min={0} max={100} defaultValue={v.validation ?? "10"} error={e.validation} />
          <Field label="Test %" name="test" type="number" min={0} max={100} defaultValue={v.test ?? "10"} error={e.test} />
        </div>
        <div className="grid grid-cols-2 gap-2">
          <Field label="Seed" name="seed" type="number" min={0} defaultValue={v.seed ?? "42"} error={e.seed} />
          <Field label="At most per class" name="maxPerClass" type="number" min={1} defaultValue={v.maxPerClass ?? ""} error={e.maxPerClass} />
        </div>
        <SelectField label="Class label (and split strata)" name="labelQuestion" defaultValue={v.labelQuestion ?? ""} options={[{ value: "", label: "First single-choice question" }, ...keysOf(questions, ["choice", "thumbs"]).slice(1)]} error={e.labelQuestion} />
        <SelectField label="Classifier text" name="textFrom" defaultValue={v.textFrom ?? "auto"} options={textSources.map((t) => ({ value: t, label: textSourceLabels[t] }))} hint={textHint} error={e.textFrom} />
        <Field label="Approve outputs rated at least" name="minRating" type="number" step="any" defaultValue={v.minRating ?? ""} hint="Default: the top two points of the scale." error={e.minRating} />
        <CheckboxField label="Preference pairs from corrections too" name="preferenceFromCorrections" defaultChecked={v.preferenceFromCorrections === "on"} />
      </Fieldset>
      <SelectField label="Preview as" name="format" defaultValue={v.format ?? "openai-chat"} options={exportFormats.filter((f) => f !== "annotations-jsonl").map((f) => ({ value: f, label: formatLabels[f] }))} />
    </>
  );
}
