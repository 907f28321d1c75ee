import { z } from "zod";
import { db } from "~/db.server";
import { computeCalibration } from "~/modules/calibration/compute-calibration.server";
import { questionKinds } from "~/modules/questions";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

const estimate = z
  .object({
    value: z.number().nullable().describe("null when the figure is undefined for these answers"),
    reason: z.string().nullable().describe("why the value is null; null when there is a value"),
    basis: z.string().optional().describe("what the value was computed over"),
    interval: z
      .object({ low: z.number(), high: z.number(), level: z.number().describe("0.95 for 95%"), method: z.string() })
      .nullable()
      .describe("null when the value or its interval is undefined"),
    intervalReason: z.string().nullable().describe("why the interval is null while the value is not"),
  })
  .meta({ id: "Estimate" });
const confusion = z
  .object({
    labels: z.array(z.string()),
    counts: z.array(z.array(z.int())).describe("counts[r][c]: items the consensus labelled labels[r] and the judge (or reviewer) labels[c]"),
    n: z.int(),
  })
  .meta({ id: "ConfusionMatrix" });
const figures = {
  items: z.int().describe("items compared"),
  agreement: estimate.describe("share of items where the answer equals the reference (ratings: within half a point), Wilson interval"),
  kappa: estimate.nullable().describe("Cohen's κ with its 95% interval; null for ratings"),
  mae: estimate.nullable().describe("ratings: mean absolute error with a t interval; null otherwise"),
  spearman: estimate.nullable().describe("ratings: Spearman's ρ (ties get average ranks); null otherwise"),
};
const judge = z
  .object({
    model: z.string(),
    promptVersionId: z.uuid().nullable(),
    prompt: z.string().nullable().describe('the judge prompt as "name vN"; null when its version was deleted'),
    source: z.string(),
    ...figures,
    confusion: confusion.nullable().describe("single-label kinds: consensus in rows, judge in columns"),
    optionConfusion: z.array(z.object({ option: z.string(), matrix: confusion })).nullable().describe('multi-label kinds: each option as "chosen" / "not chosen"'),
    position: z
      .object({
        swappedItems: z.int().describe("items the judge answered with the outputs in both orders"),
        flips: estimate.describe("share of those where the winner changed with the order"),
        left: estimate.extend({ favours: z.enum(["left", "right"]).nullable() }).describe("share of sided answers that chose the left-hand output"),
      })
      .nullable()
      .describe("pairwise only"),
    verdict: z.object({
      code: z.enum(["too-few", "undefined", "comparable", "better", "worse-than-average", "worse-than-any"]),
      text: z.string().describe('in plain words, e.g. "agrees with people about as well as a reviewer does"'),
      detail: z.string().describe("the numbers behind it"),
    }),
  })
  .meta({ id: "JudgeCalibration" });
const question = z
  .object({
    key: z.string(),
    kind: z.enum(questionKinds),
    text: z.string(),
    figure: z.enum(["kappa", "mae"]).nullable().describe("what the verdict compares; null when the kind is not measured"),
    reason: z.string().nullable().describe("why the kind is not measured"),
    resolvedItems: z.int(),
    judgedItems: z.int().describe("resolved items a judge answered: judges and reviewers are measured on these"),
    minItems: z.int(),
    judges: z.array(judge),
    reviewers: z.array(z.object({ reviewer: z.string().describe("a name for managers and admins, a per-project pseudonym otherwise"), ...figures })),
  })
  .meta({ id: "QuestionCalibration" });

export const getJudgeCalibrationEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/judge-calibration",
  tags: ["quality"],
  summary: "How far to trust each LLM judge: agreement with the people's consensus per question, beside each reviewer's, with a verdict",
  description:
    "Per question and judge (model × prompt version), on the resolved items the judge answered: agreement, Cohen's κ with its 95% interval and the " +
    "confusion matrix (labels), or mean absolute error and Spearman's ρ (ratings), the A/B flip rate (pairwise), each reviewer against the " +
    "consensus of the others on the same items, and a verdict in words. Managers and engineers only. Undefined figures are `{value: null, reason}`.",
  params: projectParams,
  responses: {
    200: { description: "The report", schema: z.object({ projectId: z.uuid(), questions: z.array(question) }).meta({ id: "CalibrationReport" }) },
    400: err("Invalid input; `issues` names each field"),
    401: err("Missing, invalid or revoked API key"),
    403: err("Only managers and engineers see judge calibration"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await computeCalibration(db, actor, params.projectId) }),
});
