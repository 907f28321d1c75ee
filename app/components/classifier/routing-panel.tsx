import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import type { RouteCounts, Simulation } from "~/modules/routing/policy";
import type { RoutingOverview } from "~/modules/routing/routing.server";

type Choices = { models: { providerId: string; provider: string; model: string }[]; judges: { id: string; label: string }[] };
type Props = { routing: RoutingOverview; choices: Choices; errors: Record<string, string | undefined>; busy: boolean };

const percent = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
const n = (v: number) => v.toLocaleString("en");

/**
 * The hybrid loop on the classifier page: the flow from the newest model's predictions to the
 * classifier, the LLM judge and people with the live counts, the policy form, the policy replayed
 * on held-out labelled items, and the button that applies it.
 */
export function RoutingPanel({ routing, choices, errors, busy }: Props) {
  const { policy, counts, labelled, simulation, canManage, model } = routing;
  const llmChoice = policy?.llm ? `${policy.llm.providerId}|${policy.llm.model}` : "";
  return (
    <div className="space-y-6">
      {model ? <Flow counts={counts} labelled={labelled} policySet={Boolean(policy)} llm={Boolean(policy?.llm)} high={policy?.high} low={policy?.low} /> : <p className="text-sm text-slate-600">Train a model first: routing follows its predictions.</p>}
      {canManage ? (
        <PostForm className="grid gap-4 sm:grid-cols-3" key={JSON.stringify(policy)}>
          <input type="hidden" name="intent" value="routing-policy" />
          <Field label="Machine label at or above" name="high" type="number" step="0.01" min={0} max={1} defaultValue={policy?.high ?? 0.9} hint="the classifier's top probability" error={errors.high} />
          <Field label="Ask the LLM at or above" name="low" type="number" step="0.01" min={0} max={1} defaultValue={policy?.low ?? 0.5} hint="below it: people" error={errors.low} />
          <Field label="Spot-check share" name="spotCheck" type="number" step="0.01" min={0} max={1} defaultValue={policy?.spotCheck ?? 0.05} hint="of machine labels, sent to people" error={errors.spotCheck} />
          <SelectField
            label="LLM judge model"
            name="llmModel"
            defaultValue={llmChoice}
            options={[{ value: "", label: "None: the unsure go to people" }, ...choices.models.map((m) => ({ value: `${m.providerId}|${m.model}`, label: `${m.provider} · ${m.model}` }))]}
            error={errors["llm.model"] ?? errors["llm.providerId"]}
          />
          <SelectField
            label="Judge prompt"
            name="llmPrompt"
            defaultValue={policy?.llm?.promptVersionId ?? choices.judges[0]?.id ?? ""}
            options={choices.judges.length ? choices.judges.map((j) => ({ value: j.id, label: j.label })) : [{ value: "", label: "No judge prompt asks this question" }]}
            error={errors["llm.promptVersionId"]}
          />
          <Field label="Accept the LLM at or above" name="llmMinConfidence" type="number" step="0.01" min={0} max={1} defaultValue={policy?.llm?.minConfidence ?? ""} hint="its confidence; empty: any" error={errors["llm.minConfidence"]} />
          <CheckboxField label="Only when the LLM picks one of the classifier's top two" name="requireTop2" defaultChecked={policy?.llm?.requireTop2 ?? false} />
          <div className="flex items-end">
            <Button type="submit" disabled={busy}>
              Save policy
            </Button>
          </div>
        </PostForm>
      ) : null}
      {simulation ? <SimulationTable simulation={simulation} /> : policy && model ? <p className="text-sm text-slate-600">No held-out predictions to replay the policy on: train a new version.</p> : null}
      {canManage && policy && model ? (
        <PostForm>
          <input type="hidden" name="intent" value="routing-apply" />
          {errors.policy || errors.model ? <Alert tone="error">{errors.policy ?? errors.model}</Alert> : null}
          <Button type="submit" disabled={busy}>
            Apply the policy now
          </Button>
          <p className="mt-1 text-xs text-slate-600">Machine-labelled items leave the review queue; each label keeps its source. A person&apos;s label, if one comes later, wins.</p>
        </PostForm>
      ) : null}
    </div>
  );
}

/** The flow as boxes and arrows: text, so every count is read by a screen reader in order. */
function Flow({ counts, labelled, policySet, llm, high, low }: { counts: RouteCounts; labelled: { classifier: number; llm: number }; policySet: boolean; llm: boolean; high?: number; low?: number }) {
  const predicted = Object.values(counts).reduce((a, b) => a + b, 0);
  const box = "rounded border border-slate-300 bg-white p-3 text-sm";
  return (
    <figure aria-label="Routing flow" className="rounded bg-slate-50 p-4" data-testid="routing-flow">
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_1fr_auto_1fr] sm:items-center">
        <div className={box}>
          <p className="font-medium">Unlabelled, predicted</p>
          <p className="text-2xl font-semibold">{n(predicted)}</p>
          <p className="text-xs text-slate-600">Machine-labelled so far: {n(labelled.classifier)} by the classifier, {n(labelled.llm)} by the LLM</p>
        </div>
        <span aria-hidden className="text-center text-slate-400">→</span>
        <div className="space-y-2">
          <div className={box} data-route="classifier">
            <p className="font-medium">Classifier sure{policySet ? ` (≥ ${high})` : ""}</p>
            <p>
              {n(counts.classifier)} machine label · {n(counts["spot-check"])} spot-check
            </p>
          </div>
          <div className={box} data-route="llm">
            <p className="font-medium">Unsure{policySet ? ` (${low}–${high})` : ""}: {llm ? "ask the LLM" : "no LLM set"}</p>
            <p>
              {n(counts.llm)} accepted · {n(counts["llm-rejected"])} rejected · {n(counts["llm-pending"])} not asked yet
            </p>
          </div>
          <div className={box} data-route="people">
            <p className="font-medium">Classifier unsure{policySet ? ` (< ${low})` : ""}</p>
            <p>{n(counts.people)} to people</p>
          </div>
        </div>
        <span aria-hidden className="text-center text-slate-400">→</span>
        <div className={box}>
          <p className="font-medium">People review</p>
          <p className="text-2xl font-semibold">{n(counts.people + counts["spot-check"] + counts["llm-rejected"])}</p>
          <p className="text-xs text-slate-600">every new label can retrain the classifier</p>
        </div>
      </div>
      {!policySet ? <figcaption className="mt-2 text-xs text-slate-600">No policy yet: the counts show where items would go with one.</figcaption> : null}
    </figure>
  );
}

function SimulationTable({ simulation: s }: { simulation: Simulation }) {
  const interval = (e: Simulation["automated"]) => (e.interval ? ` (95% CI ${percent(e.interval.low)}–${percent(e.interval.high)})` : "");
  const rows: [string, string][] = [
    ["Items replayed", n(s.items)],
    ["Automated", `${percent(s.automated.value)}${interval(s.automated)}`],
    ["Machine labels right", s.automatedAccuracy.value === null ? (s.automatedAccuracy.reason ?? "—") : `${percent(s.automatedAccuracy.value)}${interval(s.automatedAccuracy)}`],
    ["Classifier labels right", s.classifierAccuracy.value === null ? (s.classifierAccuracy.reason ?? "—") : `${percent(s.classifierAccuracy.value)} of ${n(s.counts.classifier)}`],
    ["LLM labels right", s.llmAccuracy.value === null ? (s.llmAccuracy.reason ?? "—") : `${percent(s.llmAccuracy.value)} of ${n(s.counts.llm)}`],
    ["LLM calls", `${n(s.llmCalls)}${s.counts["llm-pending"] ? ` (${n(s.counts["llm-pending"])} without an answer on record)` : ""}`],
    ["Items for people", n(s.peopleItems)],
    ["Cost", s.costUsd === null ? s.costNote : `$${s.costUsd.toFixed(2)} — ${s.costNote}`],
  ];
  return (
    <table className="w-full text-sm" data-table="simulation">
      <caption className="mb-1 text-left font-medium text-slate-800">The policy replayed on held-out labelled items (the model never trained on them)</caption>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label} className="border-b border-slate-100">
            <th scope="row" className="py-1 pr-4 text-left font-normal text-slate-600">{label}</th>
            <td className="py-1">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
