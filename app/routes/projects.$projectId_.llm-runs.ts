import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { queueLlmRun } from "~/jobs/boss.server";
import { cancelLlmRun } from "~/modules/llm-runs/cancel-run.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { listRunsWithFailures } from "~/modules/llm-runs/queries.server";
import { retryFailedItems } from "~/modules/llm-runs/retry-failed.server";
import { filterFromText } from "~/modules/llm-runs/schemas";
import { getPromptVersion } from "~/modules/prompts/queries.server";
import { ValidationError } from "~/utils/errors";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";
import { formAction } from "~/utils/route.server";
import { parseOrThrow } from "~/utils/validation";

/** The runs panel's data, polled while a run is active. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    return Response.json({ runs: await listRunsWithFailures(db, actor, params.projectId ?? "") }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    throwAsResourceResponse(error);
  }
}

const startForm = z.object({
  model: z.string({ error: "Choose a model." }).regex(/^[0-9a-f-]{36}\|.+$/, { error: "Choose a model." }),
  promptVersionId: z.uuid({ error: "Choose a prompt." }),
  filter: z.string().default("all"),
  filterValue: z.string().default(""),
  budgetUsd: z.string().trim().default(""),
});
const runRef = z.object({ runId: z.uuid({ error: "No such run." }) });

/** Start, cancel and retry runs from the project page (its runs panel posts here). */
export const action = formAction(async ({ actor, form, params }) => {
  const projectId = params.projectId ?? "";
  const intent = form.text("intent");
  if (intent === "start") {
    const input = parseOrThrow(startForm, Object.fromEntries(["model", "promptVersionId", "filter", "filterValue", "budgetUsd"].map((n) => [n, form.optional(n)])));
    const filter = filterFromText(input.filter, input.filterValue);
    if ("issue" in filter) throw new ValidationError(`filterValue: ${filter.issue}`, [{ field: "filterValue", message: filter.issue }]);
    const budget = input.budgetUsd === "" ? null : Number(input.budgetUsd);
    const prompt = await getPromptVersion(db, actor, projectId, input.promptVersionId);
    const [providerId, ...model] = input.model.split("|");
    const run = await createLlmRun(db, actor, projectId, { kind: prompt.purpose, providerId: providerId!, model: model.join("|"), promptVersionId: prompt.id, filter, budgetUsd: Number.isNaN(budget) ? -1 : budget });
    await queueLlmRun(run.id);
    return { notice: `Started: ${run.total.toLocaleString("en")} item(s) to ${run.kind === "judge" ? "judge" : "generate for"}.` };
  }
  const { runId } = parseOrThrow(runRef, form.pick("runId"));
  if (intent === "cancel") {
    await cancelLlmRun(db, actor, runId);
    return { notice: "Cancelled." };
  }
  if (intent === "retry") {
    const retried = await retryFailedItems(db, actor, runId);
    await queueLlmRun(retried.id);
    return { notice: `Asking again about ${retried.retried.toLocaleString("en")} failed item(s).` };
  }
  throw new ValidationError("Unknown action.");
});
