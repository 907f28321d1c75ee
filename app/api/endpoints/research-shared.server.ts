import { z } from "zod";
import { errorBodySchema } from "../define.server";

/** What the research API's endpoints share: refusals in words, tags and path parameters. */
export const err = (description: string) => ({ description, schema: errorBodySchema });
export const common = {
  400: err("Invalid input; `issues` names each field"),
  401: err("Missing, invalid or revoked API key"),
  404: err("Not found, or not visible to you"),
};
export const readers = {
  ...common,
  403: err("Your role does not read feedback (managers, researchers, engineers and admins do)"),
};
export const coders = {
  ...common,
  403: err("Your role does not code feedback (managers, researchers and admins do)"),
};
export const tags = ["research"];
export const projectParams = z.object({
  projectId: z.uuid({ error: "Expected a project id (a UUID)." }),
});
export const themeParams = z.object({
  themeId: z.uuid({ error: "Expected a theme id (a UUID)." }),
});
export const setParams = z.object({
  setId: z.uuid({ error: "Expected a quote set id (a UUID)." }),
});
export const feedbackParams = z.object({
  feedbackId: z.coerce.number().int().positive({ error: "Expected a comment id." }),
});

export const author = z.object({
  kind: z.enum(["end_user", "reviewer", "unknown"]),
  label: z.string().describe('end users by a stable pseudonym ("User 3f9a1c"), reviewers by the project\'s name rules'),
});
export const score = {
  scoreKind: z.enum(["thumbs", "stars"]).nullable(),
  score: z.int().nullable().describe("thumbs: 0 down, 1 up; stars: 1–5"),
};
