import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { listImports } from "~/modules/imports/queries.server";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";

/** The project's latest imports as JSON: what the import list polls while one runs. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    const imports = await listImports(db, actor, params.projectId ?? "");
    return Response.json({ imports }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
