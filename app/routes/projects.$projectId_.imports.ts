import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { checkCsrfToken } from "~/modules/auth/csrf.server";
import { receiveUpload } from "~/modules/imports/receive-upload.server";
import { requireActor } from "~/utils/http.server";
import { httpAnswerOf } from "~/utils/http-errors";
import { appLog } from "~/utils/log.server";

/**
 * `POST /projects/:projectId/imports`: the import page's upload (multipart: its fields, then the
 * file). The Express edge streams this body instead of reading it (and checks the Origin); the
 * form token is checked here before a byte of the file is stored. Answers JSON to scripts and the
 * page's upload (Accept: application/json) — 200 imported, 202 queued — and redirects a plain form
 * post to the project page (or back to the import page with the reason).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const projectId = params.projectId ?? "";
  const wantsJson = (request.headers.get("accept") ?? "").includes("application/json");
  if (!context.user && wantsJson) return Response.json({ error: "Sign in first." }, { status: 401 });
  const actor = requireActor(context, new Request(new URL(`/projects/${projectId}/import`, request.url)));
  try {
    const imported = await receiveUpload(db, actor, { projectId, request, checkToken: (token) => checkCsrfToken(token, context), signal: context.signal });
    if (!wantsJson) return redirect(`/projects/${encodeURIComponent(projectId)}?import=${imported.importId}#imports`, 303);
    return Response.json({ ...imported, location: `/projects/${projectId}#imports` }, { status: imported.state === "queued" ? 202 : 200 });
  } catch (error) {
    const answer = httpAnswerOf(error);
    if (answer.log === "error") appLog().error(`Upload to project ${projectId} failed`, error);
    // why: an early answer leaves the rest of the body unread: the connection is not reused.
    if (wantsJson) return Response.json({ error: answer.message }, { status: answer.status, headers: { ...answer.headers, Connection: "close" } });
    return redirect(`/projects/${encodeURIComponent(projectId)}/import?error=${encodeURIComponent(answer.message)}`, { status: 303, headers: { Connection: "close" } });
  }
}
