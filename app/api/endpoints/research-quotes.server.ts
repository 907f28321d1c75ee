import { z } from "zod";
import { db } from "~/db.server";
import { quoteSetCsv, quoteSetMarkdown } from "~/modules/research/quotes-export.server";
import { addQuote, createQuoteSet, deleteQuoteSet, getQuoteSet, listQuoteSets, removeQuote, reorderQuotes, updateQuoteSet } from "~/modules/research/quotes.server";
import { quoteItemInputSchema, quoteSetInputSchema } from "~/modules/research/schemas";
import { defineEndpoint } from "../define.server";
import { author, coders, projectParams, readers, score, setParams, tags } from "./research-shared.server";

/** The research API: quote sets, their quotes, and their CSV / Markdown export. */
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
