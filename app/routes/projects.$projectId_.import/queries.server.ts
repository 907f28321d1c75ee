import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { listImports } from "~/modules/imports/queries.server";
import { getProject } from "~/modules/projects/queries.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { importLimits } from "~/utils/env.server";

/** What the upload page shows: the project, where labels would go, the limits, recent imports. */
export async function getImportPage(db: Db, actor: Actor, projectId: string) {
  const imports = await listImports(db, actor, projectId);
  const [project, template] = await Promise.all([getProject(db, actor, projectId), getTemplate(db, projectId)]);
  const choice = template?.questions.find((q) => q.kind === "choice" && !q.multiple);
  const pairwise = template?.questions.find((q) => q.kind === "pairwise");
  return {
    project: { id: project.id, name: project.name },
    labelQuestion: choice && choice.kind === "choice" ? { key: choice.key, text: choice.text, options: choice.options.length } : null,
    pairwiseQuestion: pairwise ? { key: pairwise.key, text: pairwise.text } : null,
    maxBytes: importLimits().maxBytes,
    maxInflatedBytes: importLimits().maxInflatedBytes,
    imports,
  };
}
