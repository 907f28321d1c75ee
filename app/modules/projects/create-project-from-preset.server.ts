import { z } from "zod";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { templatePresetIds, templatePresets, type TemplatePresetId } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { TemplateInput } from "~/modules/templates/schemas";
import { parseOrThrow } from "~/utils/validation";
import { createProject } from "./create-project.server";
import type { ProjectInput } from "./schemas";

const presetSchema = z.object({
  preset: z.enum(templatePresetIds as [TemplatePresetId, ...TemplatePresetId[]], { error: "Choose a template to start from." }),
});

/**
 * Creates a project with its first template taken from a preset, in one transaction: a project
 * never exists without the template it was created from.
 */
export async function createProjectFromPreset(db: Db, actor: Actor, input: ProjectInput & { preset: string }) {
  const { preset } = parseOrThrow(presetSchema, { preset: input.preset });
  return db.transaction(async (tx) => {
    const created = await createProject(tx, actor, { name: input.name, description: input.description });
    await saveTemplate(tx, actor, created.id, templatePresets[preset].template as TemplateInput);
    return created;
  });
}
