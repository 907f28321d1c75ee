import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { listProjects } from "~/modules/projects/queries.server";
import { requireActor } from "~/utils/http.server";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  return { projects: await listProjects(db, actor) };
}

export default function Projects() {
  const { projects } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-2xl font-bold">Projects</h1>
      <p>{projects.length} projects</p>
    </div>
  );
}
