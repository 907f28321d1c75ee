import type { LoaderFunctionArgs } from "@remix-run/node";
import { datasetFileResponse } from "~/api/dataset-file.server";
import { db } from "~/db.server";
import { exportQuerySchema } from "~/modules/datasets/schemas";
import { UnauthorizedError } from "~/utils/errors";
import { httpAnswerOf } from "~/utils/http-errors";
import { appLog } from "~/utils/log.server";
import { parseOrThrow } from "~/utils/validation";

/**
 * `GET /datasets/:datasetId/download?format=…[&split=…][&card=md|json]`: the browser's download
 * of an export (or its card), for the signed-in member — a read, so no form token. The same file
 * as the API's export, streamed the same way.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    if (!context.user) throw new UnauthorizedError("Sign in to download datasets.");
    const actor = { userId: context.user.id, isAdmin: context.user.isAdmin, via: "session" as const };
    const url = new URL(request.url);
    const query = parseOrThrow(exportQuerySchema, { format: url.searchParams.get("format") ?? undefined, split: url.searchParams.get("split") ?? undefined });
    const card = url.searchParams.get("card");
    return await datasetFileResponse(db, actor, params.datasetId ?? "", query, { head: request.method === "HEAD", cardAs: card === "md" || card === "json" ? card : undefined });
  } catch (error) {
    const answer = httpAnswerOf(error);
    if (answer.log === "error") appLog().error(`Download of dataset ${params.datasetId} failed`, error);
    return new Response(answer.message, { status: answer.status, headers: { "Content-Type": "text/plain; charset=utf-8", ...(answer.status === 401 ? {} : answer.headers) } });
  }
}
