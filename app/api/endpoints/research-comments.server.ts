import { z } from "zod";
import { db } from "~/db.server";
import { getComment } from "~/modules/research/comment.server";
import { markCoded, removeCoding, setCoding } from "~/modules/research/codings.server";
import { listInbox } from "~/modules/research/inbox.server";
import { codingInputSchema, inboxFilterSchema } from "~/modules/research/schemas";
import { defineEndpoint } from "../define.server";
import { author, coders, feedbackParams, projectParams, readers, score, tags } from "./research-shared.server";

/** The research API: feedback comments (the inbox) and their codings. */
const commentSchema = z
  .object({
    id: z.int(),
    source: z.enum(["end_user", "reviewer"]),
    ...score,
    comment: z.string(),
    segment: z.string().nullable(),
    model: z.string().nullable(),
    promptVersion: z.string().nullable(),
    occurredAt: z.iso.datetime(),
    exact: z.boolean().describe("a full-text match (false: found by a fuzzy, typo-tolerant match)"),
    codedByMe: z.boolean(),
    coders: z.int().describe("coders who marked it coded, among those visible to you (blind samples hide others)"),
    themes: z.array(z.object({ id: z.uuid(), name: z.string() })),
    author,
  })
  .meta({ id: "FeedbackComment" });

export const listFeedbackEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/feedback",
  tags,
  summary: "The project's comments, newest first (exact full-text matches before fuzzy ones when searching), keyset-paged with `cursor`",
  description:
    '`q` is a web-style search (`"exact phrase"`, `-word`, `or`) with English stemming, plus trigram matches so a typo still finds. ' +
    '`sample` lists a coding sample\'s comments blind: only your own codings and coded marks show. `count` is exact up to 10,000 (`countLabel` then says "10,000+").',
  params: projectParams,
  query: inboxFilterSchema.extend({
    cursor: z.string().max(200).optional().describe("`next` of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  responses: {
    200: {
      description: "A page of comments",
      schema: z.object({
        comments: z.array(commentSchema),
        next: z.string().nullable(),
        count: z.int(),
        countLabel: z.string(),
      }),
    },
    ...readers,
  },
  handler: async ({ actor, params, query }) => {
    const { cursor, limit, ...filter } = query;
    const page = await listInbox(db, actor, params.projectId, filter, cursor, limit);
    return {
      status: 200,
      body: {
        comments: page.rows,
        next: page.next,
        count: page.count,
        countLabel: page.countLabel,
      },
    };
  },
});

const codingSchema = z
  .object({
    themeId: z.uuid(),
    memo: z.string(),
    quoteStart: z.int().nullable(),
    quoteEnd: z.int().nullable(),
    coder: z.enum(["me", "other"]),
    origin: z.string(),
  })
  .meta({ id: "Coding" });
const codingsBody = async (actor: Parameters<typeof getComment>[1], feedbackId: number) => {
  const c = await getComment(db, actor, feedbackId);
  return {
    feedbackId,
    codedByMe: c.codedByMe,
    othersHidden: c.othersHidden,
    codings: c.codings.map((x) => ({
      themeId: x.themeId,
      memo: x.memo,
      quoteStart: x.quoteStart,
      quoteEnd: x.quoteEnd,
      coder: x.mine ? "me" : "other",
      origin: x.origin,
    })),
  };
};
const codingsResponse = z.object({
  feedbackId: z.int(),
  codedByMe: z.boolean(),
  othersHidden: z.boolean().describe("the comment is in an open blind sample you code: only your codings show"),
  codings: z.array(codingSchema),
});

export const listCodingsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/feedback/{feedbackId}/codings",
  tags,
  summary: "A comment's codings you may see (yours, and others' unless it is in an open blind sample you code)",
  params: feedbackParams,
  responses: {
    200: { description: "Codings", schema: codingsResponse },
    ...readers,
  },
  handler: async ({ actor, params }) => ({
    status: 200,
    body: await codingsBody(actor, params.feedbackId),
  }),
});

export const putCodingEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/feedback/{feedbackId}/codings",
  tags,
  summary: "Code the comment with a theme as yourself (memo and quote replace your earlier ones; other coders' are untouched) and mark it coded",
  params: feedbackParams,
  body: codingInputSchema.meta({ id: "CodingInput" }),
  responses: {
    200: { description: "Your codings now", schema: codingsResponse },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    await setCoding(db, actor, params.feedbackId, body);
    return { status: 200, body: await codingsBody(actor, params.feedbackId) };
  },
});

export const patchCodedEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/feedback/{feedbackId}/codings",
  tags,
  summary: "Mark the comment coded by you (`coded: true`, with any number of themes, none included) or take the mark back",
  params: feedbackParams,
  body: z.object({ coded: z.boolean() }),
  responses: {
    200: { description: "Your codings now", schema: codingsResponse },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    await markCoded(db, actor, params.feedbackId, body.coded);
    return { status: 200, body: await codingsBody(actor, params.feedbackId) };
  },
});

export const deleteCodingEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/feedback/{feedbackId}/codings",
  tags,
  summary: "Remove your coding of the comment with the theme `themeId`",
  params: feedbackParams,
  query: z.object({ themeId: z.uuid({ error: "Expected a theme id." }) }),
  responses: {
    200: { description: "Your codings now", schema: codingsResponse },
    ...coders,
  },
  handler: async ({ actor, params, query }) => {
    await removeCoding(db, actor, params.feedbackId, query.themeId);
    return { status: 200, body: await codingsBody(actor, params.feedbackId) };
  },
});
