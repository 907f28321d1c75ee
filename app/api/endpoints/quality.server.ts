import { z } from "zod";
import { db } from "~/db.server";
import { computeQuality } from "~/modules/quality/compute-quality.server";
import { questionKinds } from "~/modules/templates/schemas";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

const metric = z
  .object({
    value: z.number().nullable().describe("null when the figure is undefined for these answers"),
    reason: z.string().nullable().describe("why the value is null; null when there is a value"),
    basis: z.string().optional().describe("what the value was computed over"),
  })
  .meta({ id: "Metric" });
const metrics = z
  .object({ percentAgreement: metric, cohensKappa: metric, fleissKappa: metric, alphaNominal: metric, alphaOrdinal: metric, alphaInterval: metric })
  .meta({ id: "AgreementMetrics" });
const questionQuality = z
  .object({
    key: z.string(),
    kind: z.enum(questionKinds),
    text: z.string(),
    items: z.int().describe("items with at least one answer to this question"),
    annotations: z.int(),
    reviewers: z.int(),
    resolved: z.int(),
    unresolved: z.int(),
    adjudicated: z.int(),
    consensusAgreement: z.number().nullable().describe("mean share of answers agreeing with each item's consensus"),
    metrics,
    options: z.array(z.object({ option: z.string(), metrics })).nullable().describe("multi-choice and flags: each option as chosen / not chosen"),
    perReviewer: z
      .array(z.object({ reviewer: z.string().describe("the name for managers and admins (and for every member where the project shows names), a stable per-project pseudonym otherwise"), items: z.int(), agreed: z.int(), agreement: z.number().nullable() }))
      .nullable(),
    perReviewerReason: z.string().nullable(),
  })
  .meta({ id: "QuestionQuality" });

export const getQualityEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/quality",
  tags: ["quality"],
  summary: "Agreement per question: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α; per-reviewer agreement with the consensus",
  description:
    "Each metric is `{value, reason}`: `value` is null with a `reason` when it is undefined (one answer per item, no variation, Cohen's κ without exactly " +
    "two reviewers…). Multi-label questions are measured per option. Resolutions are brought up to date first.",
  params: projectParams,
  responses: {
    200: { description: "The report", schema: z.object({ projectId: z.uuid(), questions: z.array(questionQuality) }).meta({ id: "QualityReport" }) },
    400: err("Invalid input; `issues` names each field"),
    401: err("Missing, invalid or revoked API key"),
    403: err("Your role may not see quality figures"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await computeQuality(db, actor, params.projectId) }),
});
