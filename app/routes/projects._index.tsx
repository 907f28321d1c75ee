import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { LinkButton } from "~/components/link-button";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { mayCreateProjects } from "~/modules/projects/may-create-projects.server";
import { roleLabels } from "~/modules/projects/policy";
import { listProjects } from "~/modules/projects/queries.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Projects · Loupe" }];

export const loader = pageLoader(async ({ actor }) => {
  const [projects, canCreate] = await Promise.all([listProjects(db, actor), mayCreateProjects(db, actor)]);
  return { projects, isAdmin: actor.isAdmin, canCreate };
});

export default function Projects() {
  const { projects, isAdmin, canCreate } = useLoaderData<typeof loader>();
  const newProject = canCreate ? <LinkButton to="/projects/new">New project</LinkButton> : null;
  return (
    <div>
      <PageHeader title="Projects" description={isAdmin ? "Every project on this Loupe: as an admin you can open and manage all of them." : "The review projects you belong to."} actions={projects.length ? newProject : null} />
      {projects.length === 0 ? (
        <EmptyState title="No projects yet" action={newProject}>
          A project holds the LLM outputs your team reviews, the questions reviewers answer and the people who take part.
          {canCreate
            ? " Create one and you become its manager; you can then add members. If a colleague runs the project, ask them to add you."
            : " When a colleague adds you to a project, it appears here. To start one yourself, ask an admin to allow you to create projects."}
        </EmptyState>
      ) : (
        <ul aria-label="Your projects" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {projects.map((project) => (
            <li key={project.id} className="flex flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <h2 className="break-words text-base font-semibold">
                <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                  {project.name}
                </Link>
              </h2>
              <p className="mt-1 line-clamp-3 flex-1 break-words text-sm text-slate-600">
                {project.description || <span className="italic text-slate-400">No description</span>}
              </p>
              <p className="mt-3 text-sm text-slate-600">
                Your role: <strong className="font-medium text-slate-900">{project.role ? roleLabels[project.role] : "Admin"}</strong>
                <span aria-hidden="true"> · </span>
                <span className="ml-1">
                  {project.memberCount} {project.memberCount === 1 ? "member" : "members"}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
