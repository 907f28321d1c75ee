import { z } from "zod";
import { db } from "~/db.server";
import { listPrompts, promptHistory } from "~/modules/prompts/queries.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { promptInputSchema } from "~/modules/prompts/schemas";
import { promptPurposes } from "~db/schema/prompts";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

const versionSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.int().describe("1 for a new name; each save of the name adds the next"),
    purpose: z.enum(promptPurposes),
    system: z.string(),
    user: z.string().describe("the user message, with {{input}}, {{output}}, {{output_a}}, {{output_b}}, {{reference}}, {{metadata.field}}"),
    params: z.object({ temperature: z.number().optional(), maxTokens: z.int().optional(), seed: z.int().optional(), topP: z.number().optional() }),
    questions: z.array(z.string()).describe("a judge's template questions"),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "PromptVersion" });

type Shown = Pick<Awaited<ReturnType<typeof savePromptVersion>>, "id" | "name" | "version" | "purpose" | "system" | "user" | "params" | "questions" | "createdAt">;
const shown = (v: Shown) => ({
  id: v.id,
  name: v.name,
  version: v.version,
  purpose: v.purpose,
  system: v.system,
  user: v.user,
  params: v.params,
  questions: v.questions,
  createdAt: v.createdAt.toISOString(),
});

export const savePromptEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/prompts",
  tags: ["llm"],
  summary: "Save a prompt as the next version of its name (versions are immutable: every output and judge answer names the one that made it)",
  description:
    "A `generate` prompt writes outputs; a `judge` prompt answers the template questions it names, each in the JSON shape its kind defines. " +
    "Unknown variables and unknown questions are refused with the field named. Managers and engineers only.",
  params: projectParams,
  body: promptInputSchema.meta({ id: "NewPromptVersion" }),
  responses: { 201: { description: "Saved", schema: versionSchema }, ...common, 403: err("Only the project's managers and engineers write prompts") },
  handler: async ({ actor, params, body }) => ({ status: 201, body: shown(await savePromptVersion(db, actor, params.projectId, body)) }),
});

export const listPromptsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/prompts",
  tags: ["llm"],
  summary: "The project's prompts: the newest version of each name, or with `name` every version of that one, newest first",
  params: projectParams,
  query: z.object({ name: z.string().max(120).optional().describe("one prompt's name: every version of it") }),
  responses: { 200: { description: "Prompt versions", schema: z.object({ prompts: z.array(versionSchema) }) }, ...common },
  handler: async ({ actor, params, query }) => {
    if (query.name !== undefined) return { status: 200, body: { prompts: (await promptHistory(db, actor, params.projectId, query.name)).map(shown) } };
    return { status: 200, body: { prompts: (await listPrompts(db, actor, params.projectId)).map(shown) } };
  },
});
