import { z } from "zod";
import { db } from "~/db.server";
import { createInvite, type CreatedInvite } from "~/modules/invites/create-invite.server";
import { listInvites, type InviteRow } from "~/modules/invites/queries.server";
import { revokeInvite } from "~/modules/invites/revoke-invite.server";
import { instanceInviteSchema, inviteStates, projectInviteSchema } from "~/modules/invites/schemas";
import { projectRoles } from "~/modules/projects/policy";
import { publicOrigin } from "~/utils/http.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const tags = ["invites"];
const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key") };
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });

const mailSchema = z
  .object({ state: z.enum(["off", "sent", "failed"]).describe("off: mail is not configured (LOUPE_SMTP_URL)"), error: z.string().optional().describe("why the mail was not sent") })
  .meta({ id: "InviteMail" });

const inviteSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    projectId: z.uuid().nullable(),
    role: z.enum(projectRoles).nullable(),
    state: z.enum(inviteStates),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    usedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    sentAt: z.iso.datetime().nullable().describe("when the link was last emailed"),
    sendError: z.string().nullable().describe("why the last email was not sent"),
    createdByName: z.string().nullable(),
  })
  .meta({ id: "Invite" });
const inviteListSchema = z.object({ invites: z.array(inviteSchema) }).meta({ id: "InviteList" });
const createdSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    projectId: z.uuid().nullable(),
    role: z.enum(projectRoles).nullable(),
    expiresAt: z.iso.datetime(),
    link: z.string().describe("the one-time link; this answer is the only place it appears"),
    mail: mailSchema,
  })
  .meta({ id: "CreatedInvite" });

const created = (invite: CreatedInvite) => {
  const { token: _token, ...shown } = invite;
  return { status: 201, body: shown };
};
const listed = (invites: InviteRow[]) => ({ status: 200, body: { invites } });

export const createProjectInviteEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/invites",
  tags,
  summary: "Invite an email into a project with a role (managers and admins)",
  description:
    "Answers with a one-time link (shown only here) and emails it when the instance has mail configured. A pending invite for the same email and project is replaced. `expiresInDays` is 1–30 (default 7).",
  params: projectParams,
  body: projectInviteSchema.meta({ id: "ProjectInviteInput" }),
  responses: {
    201: { description: "The invite and its link", schema: createdSchema },
    ...common,
    403: err("Your role does not allow managing members"),
    404: err("No such project, or you are not a member"),
    409: err("Already a member, or the account is disabled"),
  },
  handler: async ({ actor, params, body, request }) => created(await createInvite(db, actor, { projectId: params.projectId, input: body, origin: publicOrigin(request) })),
});

export const listProjectInvitesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/invites",
  tags,
  summary: "A project's invites with their state (managers and admins); never their links",
  params: projectParams,
  responses: { 200: { description: "Newest first, up to 200", schema: inviteListSchema }, ...common, 403: err("Your role does not allow managing members"), 404: err("No such project, or you are not a member") },
  handler: async ({ actor, params }) => listed(await listInvites(db, actor, params.projectId)),
});

export const createInstanceInviteEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/invites",
  tags,
  summary: "Invite an email to this Loupe without a project (instance admins)",
  description: "Answers with a one-time link (shown only here) and emails it when mail is configured.",
  body: instanceInviteSchema.meta({ id: "InstanceInviteInput" }),
  responses: { 201: { description: "The invite and its link", schema: createdSchema }, ...common, 403: err("Only admins"), 409: err("The email already has an account") },
  handler: async ({ actor, body, request }) => created(await createInvite(db, actor, { projectId: null, input: body, origin: publicOrigin(request) })),
});

export const listInstanceInvitesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/invites",
  tags,
  summary: "Invites to this Loupe without a project (instance admins); never their links",
  responses: { 200: { description: "Newest first, up to 200", schema: inviteListSchema }, 401: common[401], 403: err("Only admins") },
  handler: async ({ actor }) => listed(await listInvites(db, actor, null)),
});

export const revokeInviteEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/invites/{inviteId}",
  tags,
  summary: "Revoke an invite: its link stops working (the project's managers, or admins)",
  params: z.object({ inviteId: z.uuid({ error: "Expected an invite id (a UUID)." }) }),
  responses: { 204: { description: "Revoked" }, ...common, 404: err("No such invite, or not one you manage"), 409: err("Already used or revoked") },
  handler: async ({ actor, params }) => {
    await revokeInvite(db, actor, params.inviteId);
    return { status: 204 };
  },
});
