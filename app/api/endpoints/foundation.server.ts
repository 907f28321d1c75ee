import { z } from "zod";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { mayCreateProjects } from "~/modules/projects/may-create-projects.server";
import { projectRoles } from "~/modules/projects/policy";
import { listProjects, listRoles } from "~/modules/projects/queries.server";
import { memberInputSchema, projectInputSchema } from "~/modules/projects/schemas";
import { users } from "~db/schema";
import { eq } from "drizzle-orm";
import { defineEndpoint, errorBodySchema } from "../define.server";

const uuid = z.uuid({ error: "Expected a project id (a UUID)." });
const role = z.enum(projectRoles);
const errors = {
  400: { description: "Invalid input; `issues` names each field", schema: errorBodySchema },
  401: { description: "Missing, invalid or revoked API key", schema: errorBodySchema },
};

const meSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string(),
      isAdmin: z.boolean(),
      canCreateProjects: z.boolean().describe("whether you may create projects on this instance"),
    }),
    projects: z.array(z.object({ projectId: z.uuid(), projectName: z.string(), role })),
  })
  .meta({ id: "Me" });

export const getMe = defineEndpoint({
  method: "get",
  path: "/api/v1/me",
  tags: ["account"],
  summary: "The key owner and their project roles",
  responses: { 200: { description: "The user behind the API key", schema: meSchema }, 401: errors[401] },
  handler: async ({ actor }) => {
    const [user] = await db
      .select({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin })
      .from(users)
      .where(eq(users.id, actor.userId));
    return { status: 200, body: { user: { ...user!, canCreateProjects: await mayCreateProjects(db, actor) }, projects: await listRoles(db, actor) } };
  },
});

const projectSchema = z
  .object({ id: z.uuid(), name: z.string(), description: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: "Project" });
const projectListSchema = z
  .object({
    projects: z.array(
      projectSchema.extend({ role: role.nullable().describe("Your role; null for an admin who is not a member"), memberCount: z.int(), archived: z.boolean() }),
    ),
  })
  .meta({ id: "ProjectList" });

export const listProjectsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects",
  tags: ["projects"],
  summary: "Projects you belong to (every project for instance admins)",
  responses: { 200: { description: "Projects, newest first", schema: projectListSchema }, 401: errors[401] },
  handler: async ({ actor }) => ({ status: 200, body: { projects: await listProjects(db, actor) } }),
});

export const createProjectEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects",
  tags: ["projects"],
  summary: "Create a project; you become its manager",
  description: "Admins may, and the users an admin allowed (or everyone, when the instance sets `LOUPE_PROJECT_CREATORS=everyone`); others get 403. Names are unique per creator.",
  body: projectInputSchema.meta({ id: "ProjectInput" }),
  responses: {
    201: { description: "The new project", schema: projectSchema },
    ...errors,
    403: { description: "You may not create projects on this instance", schema: errorBodySchema },
    409: { description: "You already have a project with this name", schema: errorBodySchema },
  },
  handler: async ({ actor, body }) => ({ status: 201, body: await createProject(db, actor, body) }),
});

const memberSchema = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string(), role })
  .meta({ id: "Member" });

export const addMemberEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/members",
  tags: ["projects"],
  summary: "Add an existing user to a project with a role (managers and admins)",
  params: z.object({ projectId: uuid }),
  body: memberInputSchema.meta({ id: "MemberInput" }),
  responses: {
    201: { description: "The new member", schema: memberSchema },
    ...errors,
    403: { description: "Your role does not allow managing members", schema: errorBodySchema },
    404: { description: "No such project, or you are not a member", schema: errorBodySchema },
    409: { description: "Already a member", schema: errorBodySchema },
  },
  handler: async ({ actor, params, body }) => ({ status: 201, body: await addMember(db, actor, params.projectId, body) }),
});
