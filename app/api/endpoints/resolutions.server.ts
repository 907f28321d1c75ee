import { z } from "zod";
import { db } from "~/db.server";
import { adjudicate, clearAdjudication } from "~/modules/resolution/adjudicate.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = {
  400: err("Invalid input; `issues` names each field (`value` when the answer does not fit the question)"),
  401: err("Missing, invalid or revoked API key"),
  403: err("Only managers adjudicate"),
  404: err("Not found, or not visible to you"),
};
const params = z.object({
  itemId: z.coerce.number({ error: "Expected an item id." }).int().positive({ error: "Expected an item id." }),
  questionKey: z.string().min(1).max(40),
});
const outcome = z
  .object({
    status: z.enum(["resolved", "unresolved"]).nullable(),
    value: z.unknown().describe("the final answer in the question kind's answer shape; null while unresolved"),
    method: z.string().nullable(),
    resolvedAt: z.iso.datetime().nullable().describe("when the item became resolved; null while it is not"),
  })
  .meta({ id: "ResolutionOutcome" });
const body = z
  .object({
    value: z.unknown().optional().describe("the final answer, in the shape a reviewer's answer to this question has"),
    fromAnnotationId: z.uuid({ error: "Expected an annotation id (a UUID)." }).optional().describe("take this submitted annotation's answer instead"),
  })
  .refine((b) => (b.value === undefined) !== (b.fromAnnotationId === undefined), { error: "Give either value or fromAnnotationId.", path: ["value"] })
  .meta({ id: "Adjudication" });

const respond = (o: { status: string | null; value: unknown; method: string | null; resolvedAt: Date | null }) => ({
  status: 200,
  body: { ...o, resolvedAt: o.resolvedAt?.toISOString() ?? null },
});

export const adjudicateEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/items/{itemId}/resolutions/{questionKey}",
  tags: ["quality"],
  summary: "Adjudicate one question of an item: a final answer, or one reviewer's answer; it wins over the votes until cleared",
  params,
  body,
  responses: { 200: { description: "The question's resolution and the item's", schema: outcome }, ...common },
  handler: async ({ actor, params: p, body: b }) =>
    respond(
      await adjudicate(db, actor, b.fromAnnotationId !== undefined ? { itemId: p.itemId, questionKey: p.questionKey, fromAnnotationId: b.fromAnnotationId } : { itemId: p.itemId, questionKey: p.questionKey, value: b.value }),
    ),
});

export const clearAdjudicationEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/items/{itemId}/resolutions/{questionKey}",
  tags: ["quality"],
  summary: "Clear a manager's adjudication: the votes decide again",
  params,
  responses: { 200: { description: "The question's resolution from the votes", schema: outcome }, ...common },
  handler: async ({ actor, params: p }) => respond(await clearAdjudication(db, actor, { itemId: p.itemId, questionKey: p.questionKey })),
});
