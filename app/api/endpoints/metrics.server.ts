import { z } from "zod";
import { db } from "~/db.server";
import { computeMetrics } from "~/modules/insight/compute-metrics.server";
import { metricsQuerySchema } from "~/modules/insight/schemas";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

const interval = z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).meta({ id: "Interval" });
const estimate = z
  .object({
    value: z.number().nullable().describe("null when the figure is undefined; `reason` says why"),
    reason: z.string().nullable(),
    basis: z.string().optional().describe("what the value was computed over"),
    interval: interval.nullable().describe("95% interval; null with `intervalReason` when the value exists but its interval does not"),
    intervalReason: z.string().nullable(),
  })
  .meta({ id: "Estimate" });
const figure = estimate.extend({ n: z.int().describe("answers behind the figure") }).meta({ id: "MetricFigure" });
const groupRow = z
  .object({
    group: z.string().describe('the group\'s value ("(not set)" when items have none); "All" for the whole'),
    items: z.int(),
    answers: z.int(),
    figures: z.record(z.string(), figure).describe("figure id (see `figures`) → estimate"),
    distributions: z.record(z.string(), z.array(z.object({ value: z.number(), count: z.int() }))).describe("rating question key → counts per value"),
  })
  .meta({ id: "MetricGroup" });
const change = z.union([
  z.object({ period: z.string(), change: z.enum(["up", "down", "none"]), previous: z.string() }),
  z.object({ period: z.string(), change: z.null(), reason: z.string() }),
]);
const segmentRow = z
  .object({
    segment: z.string(),
    n: z.int(),
    status: z.enum(["too-few", "undefined", "compared"]),
    reason: z.string().optional().describe("too-few: too few answers to say; undefined: why"),
    value: z.number().optional(),
    gap: z.number().optional().describe("value − best"),
    ratio: z.number().nullable().optional().describe("value / best; null when the best is 0"),
    best: z.boolean().optional(),
    separated: z.boolean().nullable().optional().describe("its interval overlaps no other compared segment's"),
    figure,
  })
  .meta({ id: "SegmentGap" });
const positionBias = estimate.extend({ favours: z.enum(["left", "right"]).nullable() }).meta({ id: "PositionBias" });
const ranked = z.object({
  model: z.string(),
  strength: z.number(),
  rank: z.int(),
  strengthInterval: interval.nullable(),
  rankInterval: z.object({ low: z.number(), high: z.number(), level: z.number() }).nullable(),
});
const leaderboard = z
  .object({
    value: z
      .object({ models: z.array(ranked), winProbability: z.array(z.array(z.number())), iterations: z.int(), comparisons: z.int(), intervalReason: z.string().nullable(), basis: z.string() })
      .nullable(),
    reason: z.string().nullable(),
    groups: z.array(z.array(z.string())).optional(),
  })
  .describe("Bradley–Terry (MM, ties as half wins) with seeded bootstrap intervals; only for more than two models")
  .meta({ id: "Leaderboard" });
const report = z
  .object({
    projectId: z.uuid(),
    groupBy: z.string(),
    interval: z.enum(["day", "week"]).nullable(),
    segment: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    minCount: z.int(),
    figures: z.array(
      z.object({ id: z.string(), label: z.string(), kind: z.enum(["mean", "rate"]), higherIsBetter: z.boolean(), question: z.string().nullable(), unit: z.string().nullable() }),
    ),
    overall: groupRow,
    groups: z.array(groupRow),
    pairwise: z.array(
      z.object({
        question: z.string(),
        text: z.string(),
        comparisons: z.int(),
        sameModel: z.int().describe("answers whose two outputs had the same model (or none), left out of head-to-head"),
        headToHead: z.array(z.object({ a: z.string(), b: z.string(), n: z.int(), aWins: estimate, ties: estimate, bWins: estimate })),
        leaderboard,
        positionBias: z.object({ overall: positionBias, perReviewer: z.array(z.object({ reviewer: z.string(), bias: positionBias })) }),
      }),
    ),
    timeline: z
      .array(z.object({ group: z.string(), figure: z.string(), points: z.array(z.object({ period: z.string(), figure, change })) }))
      .nullable()
      .describe("with `interval`: each figure per UTC day or ISO week (Monday), overall (`All`) and per group"),
    segments: z
      .object({
        field: z.string(),
        summary: z.array(z.object({ segment: z.string(), items: z.int(), answers: z.int() })),
        figures: z.array(z.object({ figure: z.string(), rows: z.array(segmentRow) })),
      })
      .nullable(),
    notes: z.array(z.string()),
  })
  .meta({ id: "MetricsReport" });

export const getMetricsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/metrics",
  tags: ["insight"],
  summary: "The Dashboards page's figures: per group, pairwise leaderboard, position bias, over time, per segment",
  description:
    "Exactly what the project's Dashboards page shows. Every figure is `{value, reason, interval, intervalReason}`: a null value comes with the reason " +
    "(no answers, one answer, too few to say…), never NaN. Rates carry Wilson score intervals, means Student t intervals (ADR 0012, ADR 0016). " +
    "Managers, engineers and researchers of the project; reviewers are refused.",
  params: projectParams,
  query: metricsQuerySchema,
  responses: {
    200: { description: "The report", schema: report },
    400: err("Invalid input; `issues` names each field"),
    401: err("Missing, invalid or revoked API key"),
    403: err("Your role may not see the figures"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params, query }) => ({ status: 200, body: await computeMetrics(db, actor, params.projectId, query) }),
});
