import { promptVersions, suggestions } from "~db/schema";
import { db } from "~/db.server";
import type { DatasetProject } from "./dataset-project";

/**
 * What a judge run leaves behind: one suggestion per item for `intent` (items in the order of
 * handMadeItems), from one model asked by one prompt version.
 */
export async function judge(f: DatasetProject, model: string, promptVersionId: string | null, answers: (string | null)[], origin: "llm" | "import" = "llm") {
  const rows = answers.flatMap((value, i) =>
    value === null ? [] : [{ itemId: f.itemIds[i]!, questionKey: "intent", value, source: model, origin, model, promptVersionId, rationale: `Because ${value}.` }],
  );
  await db.insert(suggestions).values(rows);
}

export async function judgePrompt(f: DatasetProject, name: string, version = 1) {
  const [row] = await db
    .insert(promptVersions)
    .values({ projectId: f.projectId, name, version, purpose: "judge", user: "Label {{output}}", questions: ["intent"], createdBy: f.manager.id })
    .returning({ id: promptVersions.id });
  return row!.id;
}
