import { z } from "zod";
import { db } from "~/db.server";
import { splitInputSchema, themeInputSchema, themePatchSchema } from "~/modules/research/schemas";
import { createTheme, deleteTheme, listThemes, mergeThemes, splitTheme, updateTheme } from "~/modules/research/themes.server";
import { defineEndpoint } from "../define.server";
import { coders, projectParams, readers, tags, themeParams } from "./research-shared.server";

/** The research API: the codebook (themes, nested one level; merge and split). */
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
