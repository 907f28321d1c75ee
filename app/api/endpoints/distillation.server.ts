import { z } from "zod";
import { db } from "~/db.server";
import { computeDistillationReport } from "~/modules/distillation/compute-report.server";
import { policies, verdictCodes } from "~/modules/distillation/readiness";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

// why: the same shape as calibration's Estimate, under its own id so the two documents do not have to agree on who declares it.
const estimate = z
  .object({
    value: z.number().nullable().describe("null when the figure is undefined"),
    reason: z.string().nullable().describe("why the value is null"),
    basis: z.string().optional(),
    interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable(),
    intervalReason: z.string().nullable(),
  })
  .meta({ id: "DistillationEstimate" });

const route = z.object({
  route: z.enum(["llm", "classifier", "people"]),
  name: z.string().describe('"model · prompt vN" for a judge, "classifier vN", or "reviewers"'),
  agreement: estimate.describe("share agreeing with people's consensus (classifier: held-out accuracy; reviewers: each against the others, pooled), Wilson 95% interval"),
  n: z.int().describe("items it was measured on"),
  costPerItemUsd: z.number().nullable().describe("null when unknown (no recorded run cost; no hourly rate)"),
  latencyPerItemMs: z.number().nullable(),
  note: z.string().describe("what cost and latency rest on, or why they are unknown"),
});

const report = z
  .object({
    projectId: z.uuid(),
    question: z.object({ key: z.string(), title: z.string() }).nullable().describe("the classifier's question; null until one is chosen"),
    reviewerHourlyUsd: z.number().nullable(),
    routes: z.array(route),
    labelsNeeded: z.object({
      target: z.number().nullable().describe("the best judge's agreement (among judges measured on enough items)"),
      currentLabels: z.int(),
      fit: z
        .object({ a: z.number(), b: z.number(), c: z.number(), method: z.enum(["inverse-power-law", "fixed-exponent", "flat"]), points: z.int(), sse: z.number() })
        .nullable()
        .describe("acc(n) = a − b·n^(−c) fitted to the learning curve"),
      labelsAtTarget: z.int().nullable(),
      moreLabels: z.int().nullable(),
      text: z.string(),
    }),
    monthlyItems: z.int().describe("items added in the last 30 days"),
    hybrid: z
      .object({
        classifier: z.number(),
        llm: z.number(),
        people: z.number(),
        llmUsdPerItem: z.number().nullable().optional().describe("the policy's own LLM's recorded cost per call; null: priced as the best judge's"),
        accuracy: estimate,
        items: z.int(),
      })
      .nullable()
      .describe("the routing policy replayed on held-out items: share of items each route takes, and the machine labels' accuracy"),
    savings: z.array(z.object({ policy: z.enum(policies), monthlyUsd: z.number().nullable(), savingUsd: z.number().nullable().describe("against all-LLM"), reason: z.string().nullable() })),
    verdict: z.object({ code: z.enum(verdictCodes), text: z.string(), detail: z.string() }),
  })
  .meta({ id: "DistillationReport" });

export const getDistillationEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/distillation",
  tags: ["classifier"],
  summary: "Whether the classifier can take over from the LLM judge: agreement, cost and latency per route, labels needed, monthly savings and a verdict",
  description:
    "For the classifier's question: each LLM judge (model × prompt version), the newest ready classifier (held out) and the reviewers against " +
    "people's consensus with Wilson 95% intervals; cost and latency per item (recorded run items; the classifier's compute counted as free; " +
    "people from the median review time at the hourly rate); the labels at which the learning curve reaches the best judge; the monthly cost " +
    "of all-LLM, all-classifier and the hybrid routing policy; and a verdict: switch, hybrid, keep-llm, label-more or unknown. Managers and engineers.",
  params: projectParams,
  responses: {
    200: { description: "The report", schema: report },
    400: err("Invalid input; `issues` names each field"),
    401: err("Missing, invalid or revoked API key"),
    403: err("Only the project's managers and engineers see the distillation report"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await computeDistillationReport(db, actor, params.projectId) }),
});
