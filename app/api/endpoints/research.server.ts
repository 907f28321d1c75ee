import { z } from "zod";
import { db } from "~/db.server";
import { getComment } from "~/modules/research/comment.server";
import { markCoded, removeCoding, setCoding } from "~/modules/research/codings.server";
import { listInbox } from "~/modules/research/inbox.server";
import { quoteSetCsv, quoteSetMarkdown } from "~/modules/research/quotes-export.server";
import { addQuote, createQuoteSet, deleteQuoteSet, getQuoteSet, listQuoteSets, removeQuote, reorderQuotes, updateQuoteSet } from "~/modules/research/quotes.server";
import { codingInputSchema, inboxFilterSchema, quoteItemInputSchema, quoteSetInputSchema, splitInputSchema, themeInputSchema, themePatchSchema } from "~/modules/research/schemas";
import { createTheme, deleteTheme, listThemes, mergeThemes, splitTheme, updateTheme } from "~/modules/research/themes.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = {
  400: err("Invalid input; `issues` names each field"),
  401: err("Missing, invalid or revoked API key"),
  404: err("Not found, or not visible to you"),
};
const readers = {
  ...common,
  403: err("Your role does not read feedback (managers, researchers, engineers and admins do)"),
};
const coders = {
  ...common,
  403: err("Your role does not code feedback (managers, researchers and admins do)"),
};
const tags = ["research"];
const projectParams = z.object({
  projectId: z.uuid({ error: "Expected a project id (a UUID)." }),
});
const themeParams = z.object({
  themeId: z.uuid({ error: "Expected a theme id (a UUID)." }),
});
const setParams = z.object({
  setId: z.uuid({ error: "Expected a quote set id (a UUID)." }),
});
const feedbackParams = z.object({
  feedbackId: z.coerce.number().int().positive({ error: "Expected a comment id." }),
});

const author = z.object({
  kind: z.enum(["end_user", "reviewer", "unknown"]),
  label: z.string().describe('end users by a stable pseudonym ("User 3f9a1c"), reviewers by the project\'s name rules'),
});
const score = {
  scoreKind: z.enum(["thumbs", "stars"]).nullable(),
  score: z.int().nullable().describe("thumbs: 0 down, 1 up; stars: 1–5"),
};

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

const themeSchema = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    name: z.string(),
    description: z.string(),
    examples: z.array(z.string()),
    position: z.int(),
  })
  .meta({ id: "Theme" });
const shownTheme = (t: z.infer<typeof themeSchema>) => ({
  id: t.id,
  parentId: t.parentId,
  name: t.name,
  description: t.description,
  examples: t.examples,
  position: t.position,
});

export const listThemesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/themes",
  tags,
  summary: "The codebook: themes (nested one level) with how many comments and codings each has",
  params: projectParams,
  responses: {
    200: {
      description: "Themes",
      schema: z.object({
        themes: z.array(themeSchema.extend({ comments: z.int(), codings: z.int() })),
      }),
    },
    ...readers,
  },
  handler: async ({ actor, params }) => ({
    status: 200,
    body: { themes: await listThemes(db, actor, params.projectId) },
  }),
});

export const createThemeEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/themes",
  tags,
  summary: "Add a theme (names unique per project, ignoring case; a parent must be a top-level theme)",
  params: projectParams,
  body: themeInputSchema.meta({ id: "NewTheme" }),
  responses: {
    201: { description: "Created", schema: themeSchema },
    ...coders,
  },
  handler: async ({ actor, params, body }) => ({
    status: 201,
    body: shownTheme(await createTheme(db, actor, params.projectId, body)),
  }),
});

export const updateThemeEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/themes/{themeId}",
  tags,
  summary: "Rename, edit or move a theme (`parentId: null` moves it to the top)",
  params: themeParams,
  body: themePatchSchema.meta({ id: "ThemePatch" }),
  responses: {
    200: { description: "Updated", schema: themeSchema },
    ...coders,
  },
  handler: async ({ actor, params, body }) => ({
    status: 200,
    body: shownTheme(await updateTheme(db, actor, params.themeId, body)),
  }),
});

export const deleteThemeEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/themes/{themeId}",
  tags,
  summary: "Delete a theme with its child themes and all their codings; answers how many codings went",
  params: themeParams,
  responses: {
    200: {
      description: "Deleted",
      schema: z.object({ codings: z.int(), children: z.int() }),
    },
    ...coders,
  },
  handler: async ({ actor, params }) => ({
    status: 200,
    body: await deleteTheme(db, actor, params.themeId),
  }),
});

export const mergeThemeEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/themes/{themeId}/merge",
  tags,
  summary: "Merge this theme into `into`: its codings move (a comment coded with both keeps one, memos joined), its children move under `into`, it is deleted",
  params: themeParams,
  body: z.object({ into: z.uuid({ error: "Expected a theme id." }) }),
  responses: {
    200: {
      description: "Merged",
      schema: z.object({
        into: z.uuid(),
        codingsMoved: z.int(),
        childrenMoved: z.int(),
      }),
    },
    ...coders,
  },
  handler: async ({ actor, params, body }) => ({
    status: 200,
    body: await mergeThemes(db, actor, params.themeId, body.into),
  }),
});

export const splitThemeEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/themes/{themeId}/split",
  tags,
  summary: "Split a theme into new ones beside it, each taking the codings of the comments chosen for it; the rest stay unless `removeOriginal`",
  params: themeParams,
  body: splitInputSchema.meta({ id: "ThemeSplit" }),
  responses: {
    200: {
      description: "Split",
      schema: z.object({
        created: z.array(themeSchema),
        removedOriginal: z.boolean(),
      }),
    },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    const result = await splitTheme(db, actor, params.themeId, body);
    return {
      status: 200,
      body: {
        created: result.created.map(shownTheme),
        removedOriginal: result.removedOriginal,
      },
    };
  },
});

const setSchema = z.object({ id: z.uuid(), name: z.string(), description: z.string() }).meta({ id: "QuoteSet" });
const quoteSchema = z
  .object({
    feedbackId: z.int(),
    position: z.int(),
    note: z.string(),
    quoteStart: z.int().nullable(),
    quoteEnd: z.int().nullable(),
    text: z.string().describe("the passage quoted, or the whole comment"),
    ...score,
    segment: z.string().nullable(),
    model: z.string().nullable(),
    occurredAt: z.string(),
    author,
  })
  .meta({ id: "Quote" });
const setBody = async (actor: Parameters<typeof getQuoteSet>[1], setId: string) => {
  const { set, quotes } = await getQuoteSet(db, actor, setId);
  return {
    id: set.id,
    name: set.name,
    description: set.description,
    quotes: quotes.map(({ comment: _comment, ...q }) => q),
  };
};
const setWithQuotes = setSchema.extend({ quotes: z.array(quoteSchema) });

export const listQuoteSetsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/quote-sets",
  tags,
  summary: "The project's quote sets, newest first",
  params: projectParams,
  responses: {
    200: {
      description: "Quote sets",
      schema: z.object({
        quoteSets: z.array(setSchema.extend({ quotes: z.int(), createdAt: z.string() })),
      }),
    },
    ...readers,
  },
  handler: async ({ actor, params }) => ({
    status: 200,
    body: { quoteSets: await listQuoteSets(db, actor, params.projectId) },
  }),
});

export const createQuoteSetEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/quote-sets",
  tags,
  summary: "Start a quote set",
  params: projectParams,
  body: quoteSetInputSchema.meta({ id: "NewQuoteSet" }),
  responses: { 201: { description: "Created", schema: setSchema }, ...coders },
  handler: async ({ actor, params, body }) => {
    const set = await createQuoteSet(db, actor, params.projectId, body);
    return {
      status: 201,
      body: { id: set.id, name: set.name, description: set.description },
    };
  },
});

export const getQuoteSetEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/quote-sets/{setId}",
  tags,
  summary: "A quote set with its quotes in order, attributed pseudonymously",
  params: setParams,
  responses: {
    200: { description: "The set", schema: setWithQuotes },
    ...readers,
  },
  handler: async ({ actor, params }) => ({
    status: 200,
    body: await setBody(actor, params.setId),
  }),
});

export const updateQuoteSetEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/quote-sets/{setId}",
  tags,
  summary: "Rename a quote set or change its description",
  params: setParams,
  body: quoteSetInputSchema,
  responses: {
    200: { description: "The set", schema: setWithQuotes },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    await updateQuoteSet(db, actor, params.setId, body);
    return { status: 200, body: await setBody(actor, params.setId) };
  },
});

export const deleteQuoteSetEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/quote-sets/{setId}",
  tags,
  summary: "Delete a quote set (the comments stay)",
  params: setParams,
  responses: { 204: { description: "Deleted" }, ...coders },
  handler: async ({ actor, params }) => {
    await deleteQuoteSet(db, actor, params.setId);
    return { status: 204 };
  },
});

export const addQuoteEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/quote-sets/{setId}/items",
  tags,
  summary: "Add a comment, or a passage of it (offsets into the comment), with a note; adding it again updates it in place",
  params: setParams,
  body: quoteItemInputSchema.meta({ id: "NewQuote" }),
  responses: {
    200: { description: "The set", schema: setWithQuotes },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    await addQuote(db, actor, params.setId, body);
    return { status: 200, body: await setBody(actor, params.setId) };
  },
});

export const reorderQuotesEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/quote-sets/{setId}/items",
  tags,
  summary: "Reorder the set: `order` lists every quote's comment id once",
  params: setParams,
  body: z.object({ order: z.array(z.int().positive()).max(10_000) }),
  responses: {
    200: { description: "The set", schema: setWithQuotes },
    ...coders,
  },
  handler: async ({ actor, params, body }) => {
    await reorderQuotes(db, actor, params.setId, body.order);
    return { status: 200, body: await setBody(actor, params.setId) };
  },
});

export const removeQuoteEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/quote-sets/{setId}/items",
  tags,
  summary: "Remove the quote of comment `feedbackId` from the set",
  params: setParams,
  query: z.object({
    feedbackId: z.coerce.number().int().positive({ error: "Expected a comment id." }),
  }),
  responses: {
    200: { description: "The set", schema: setWithQuotes },
    ...coders,
  },
  handler: async ({ actor, params, query }) => {
    await removeQuote(db, actor, params.setId, query.feedbackId);
    return { status: 200, body: await setBody(actor, params.setId) };
  },
});

export const exportQuoteSetEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/quote-sets/{setId}/export",
  tags,
  summary: "Download the set as CSV (formula-safe) or Markdown (text escaped, no HTML), attributed pseudonymously with segment, model and date",
  params: setParams,
  query: z.object({ format: z.enum(["csv", "md"]).default("csv") }),
  responses: {
    200: { description: "The file", content: ["text/csv", "text/markdown"] },
    ...readers,
  },
  handler: async ({ actor, params, query }) => {
    const file = query.format === "csv" ? await quoteSetCsv(db, actor, params.setId) : await quoteSetMarkdown(db, actor, params.setId);
    return quoteFileResponse(file, query.format);
  },
});

/** A quote set file as a download (also what the pages' download links answer). */
export function quoteFileResponse(file: { name: string; body: string }, format: "csv" | "md"): Response {
  return new Response(file.body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="${file.name}"`,
      // why: no X-Content-Type-Options here: the edge sets it on every answer, and a second one made it "nosniff, nosniff".
      "cache-control": "no-store",
    },
  });
}
