import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { items } from "~db/schema";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { createProject } from "~/modules/projects/create-project.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { TemplateInput } from "~/modules/templates/schemas";
import { makeUser } from "~test/factories";
import { ImportFailedError, importItems, type ImportRequest, type ImportResult } from "./import-items.server";

/** A project (with a template, if given) and its manager, for import tests. */
export async function importProject(template?: TemplateInput) {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Import ${randomUUID()}` });
  if (template) await saveTemplate(db, manager.actor, project.id, template);
  return { actor: manager.actor, projectId: project.id };
}

/** Bytes as an input that can be opened as often as the importer likes, in chunks of `chunk` bytes. */
export function bytesInput(content: string | Buffer, chunk = 7): ImportRequest["input"] {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  return {
    open: async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    },
  };
}

type Options = Omit<ImportRequest, "projectId" | "input" | "origin"> & { origin?: ImportRequest["origin"] };

/** Imports `content` into a project; returns the result or the failure, and the items now there. */
export async function importText(target: { actor: Actor; projectId: string }, content: string | Buffer, options: Options = {}) {
  let result: ImportResult | undefined;
  let failure: ImportFailedError | undefined;
  try {
    result = await importItems(db, target.actor, { origin: "upload", ...options, projectId: target.projectId, input: bytesInput(content) });
  } catch (error) {
    if (!(error instanceof ImportFailedError)) throw error;
    failure = error;
  }
  return { result, failure, stored: await storedItems(target.projectId) };
}

/** A project's items in id order (the file's order), with what an import writes. */
export function storedItems(projectId: string) {
  return db
    .select({ externalId: items.externalId, input: items.input, outputs: items.outputs, metadata: items.metadata, reference: items.reference })
    .from(items)
    .where(eq(items.projectId, projectId))
    .orderBy(asc(items.id));
}

export const jsonl = (...rows: (object | string)[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
