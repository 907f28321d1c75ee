import { asc, eq, inArray } from "drizzle-orm";
import {
  annotations,
  classifierModels,
  codingSampleCoders,
  codingSampleItems,
  codingSamples,
  feedback,
  importErrors,
  imports,
  items,
  llmRuns,
  quoteSetItems,
  quoteSets,
  themeSuggestions,
  themes,
  webhookDeliveries,
  webhooks,
} from "~db/schema";
import type { Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { csrfTokenFor, sessionCookie } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/sessions.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { revokeApiKey } from "~/modules/api-keys/revoke-api-key.server";
import { createIngestKey } from "~/modules/feedback/ingest-keys.server";
import { createInvite } from "~/modules/invites/create-invite.server";
import { addMember } from "~/modules/projects/add-member.server";
import { classificationReport, type ConfusionMatrix } from "~/modules/stats/classification";
import { makeUser } from "~test/factories";
import { makeDistillationProject } from "~test/support/distillation-project";
import type { Role } from "./route-access";

/** How one role calls: its browser session (cookie and form token) and its API key. */
export type Caller = { cookie: string; csrf: string; bearer: string | null };

/** A signed-in browser for a user: a session row, its signed cookie and the form token bound to it. */
export async function browserSession(db: Database, userId: string): Promise<{ cookie: string; csrf: string }> {
  const { token } = await createSession(db, { userId, userAgent: "security matrix" });
  const header = await sessionCookie(false).serialize(token);
  return { cookie: header.slice(0, header.indexOf(";")), csrf: csrfTokenFor(token) };
}

/** A visitor's anonymous cookie and the form token bound to it, as the sign-in page hands them out. */
export async function visitorSession(baseURL: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${baseURL}/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf || !cookie) throw new Error("The sign-in page gave no anonymous cookie or form token.");
  return { cookie, csrf };
}

/**
 * One project with one user per role and one of each object a route can name: items with
 * answers (a distillation project: resolutions, a classifier model, an LLM run and its provider,
 * a prompt version), comments, a theme, a suggestion, a quote set, a coding sample, an import
 * with rejected rows, an ingest key, and a dataset built by the server itself.
 */
export async function seedMatrix(db: Database, baseURL: string) {
  const f = await makeDistillationProject();
  const researcher = await makeUser({ name: "Matrix Researcher" });
  const engineer = await makeUser({ name: "Matrix Engineer" });
  const outsider = await makeUser({ name: "Matrix Outsider" });
  const admin = await makeUser({ name: "Matrix Admin", isAdmin: true });
  await addMember(db, f.manager.actor, f.projectId, { email: researcher.email, role: "researcher" });
  await addMember(db, f.manager.actor, f.projectId, { email: engineer.email, role: "engineer" });
  const users: Record<Exclude<Role, "anonymous" | "revoked">, { id: string; actor: Actor }> = {
    outsider,
    reviewer: f.reviewers[0]!,
    researcher,
    engineer,
    manager: f.manager,
    admin,
  };

  const projectId = f.projectId;
  const [run] = await db.select({ id: llmRuns.id, providerId: llmRuns.providerId }).from(llmRuns).where(eq(llmRuns.projectId, projectId));
  const [model] = await db.select({ id: classifierModels.id, evaluation: classifierModels.evaluation }).from(classifierModels).where(eq(classifierModels.projectId, projectId));
  // why: the distillation fixture's evaluation has only what its report reads; the classifier
  // pages also read the classification report a real training writes.
  const evaluation = model!.evaluation as { confusion: ConfusionMatrix };
  await db.update(classifierModels).set({ evaluation: { ...evaluation, report: classificationReport(evaluation.confusion) } }).where(eq(classifierModels.id, model!.id));
  const [annotation] = await db
    .select({ id: annotations.id })
    .from(annotations)
    .where(inArray(annotations.itemId, db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId))))
    .orderBy(asc(annotations.id))
    .limit(1);
  const comments = await db
    .insert(feedback)
    .values([
      { projectId, comment: "The answer was slow." },
      { projectId, comment: "Great, thanks." },
    ])
    .returning({ id: feedback.id });
  const [theme] = await db.insert(themes).values({ projectId, name: "Slow", description: "Took too long.", position: 0 }).returning({ id: themes.id });
  const [suggestion] = await db
    .insert(themeSuggestions)
    .values({ projectId, feedbackId: comments[0]!.id, themeId: theme!.id, source: "stub / gpt-x" })
    .returning({ id: themeSuggestions.id });
  const [set] = await db.insert(quoteSets).values({ projectId, name: "For the report", createdBy: f.manager.id }).returning({ id: quoteSets.id });
  await db.insert(quoteSetItems).values({ setId: set!.id, feedbackId: comments[0]!.id, position: 0 });
  const [sample] = await db.insert(codingSamples).values({ projectId, name: "Double-coded", createdBy: f.manager.id }).returning({ id: codingSamples.id });
  await db.insert(codingSampleItems).values(comments.map((c, i) => ({ sampleId: sample!.id, feedbackId: c.id, position: i })));
  await db.insert(codingSampleCoders).values([{ sampleId: sample!.id, userId: researcher.id }]);
  const [upload] = await db
    .insert(imports)
    .values({ projectId, createdBy: f.manager.id, origin: "upload", fileName: "items.csv", state: "succeeded", received: 2, inserted: 1, rejected: 1, finishedAt: new Date() })
    .returning({ id: imports.id });
  await db.insert(importErrors).values({ importId: upload!.id, seq: 0, line: 2, field: "input", message: "Expected text." });
  const ingestKey = await createIngestKey(db, f.manager.actor, projectId, { name: "Matrix widget", allowedOrigins: [] });
  // why rows, not the verbs: a webhook's URL is checked against private addresses when saved, and nothing here is ever sent.
  const [webhook] = await db.insert(webhooks).values({ projectId, url: "https://hooks.example.com/loupe", events: ["item.resolved"], secretSealed: "matrix-unused", createdBy: f.manager.id }).returning({ id: webhooks.id });
  const [delivery] = await db
    .insert(webhookDeliveries)
    .values({ webhookId: webhook!.id, event: "item.resolved", eventId: "matrix-event", payload: { matrix: true }, state: "failed", attempts: 6 })
    .returning({ id: webhookDeliveries.id });
  const invite = await createInvite(db, f.manager.actor, { projectId, input: { email: "matrix-invitee@example.com", role: "reviewer" }, origin: baseURL });

  const keys = Object.fromEntries(await Promise.all(Object.entries(users).map(async ([role, u]) => [role, (await createApiKey(db, u.actor, { name: `matrix ${role}` })).key]))) as Record<
    keyof typeof users,
    string
  >;
  const revoked = await createApiKey(db, f.manager.actor, { name: "matrix revoked" });
  await revokeApiKey(db, f.manager.actor, { keyId: revoked.id });

  const visitor = await visitorSession(baseURL);
  const callers = { anonymous: { ...visitor, bearer: null }, revoked: { ...visitor, bearer: revoked.key } } as Record<Role, Caller>;
  for (const [role, u] of Object.entries(users)) callers[role as Role] = { ...(await browserSession(db, u.id)), bearer: keys[role as keyof typeof users] };

  // The dataset is built by the server's own job, as a user's would be.
  const requested = await fetch(`${baseURL}/api/v1/projects/${projectId}/datasets`, {
    method: "POST",
    headers: { authorization: `Bearer ${keys.manager}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Matrix labels", filter: {}, options: { labelQuestion: "intent" } }),
  });
  if (requested.status !== 202) throw new Error(`Could not request the matrix dataset: ${requested.status} ${await requested.text()}`);
  const dataset = (await requested.json()) as { id: string };

  const ids: Record<string, string> = {
    projectId,
    itemId: String(f.itemIds[0]!),
    datasetId: dataset.id,
    setId: set!.id,
    sampleId: sample!.id,
    importId: upload!.id,
    providerId: run!.providerId,
    runId: run!.id,
    modelId: model!.id,
    annotationId: String(annotation!.id),
    feedbackId: String(comments[0]!.id),
    themeId: theme!.id,
    suggestionId: suggestion!.id,
    keyId: ingestKey.id,
    inviteId: invite.id,
    webhookId: webhook!.id,
    deliveryId: String(delivery!.id),
    questionKey: "intent",
    ingestKey: ingestKey.key,
    outsiderUserId: outsider.id,
    outsiderEmail: outsider.email,
    promptVersionId: f.promptVersionId,
    researcherUserId: researcher.id,
    token: "no-such-reset-token",
    "*": "no/such/page",
  };
  return { ids, callers, users, keys, projectId, managerKey: keys.manager, datasetId: dataset.id };
}

export type MatrixSeed = Awaited<ReturnType<typeof seedMatrix>>;

