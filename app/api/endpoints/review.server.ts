import { z } from "zod";
import { itemOrders } from "~db/schema";
import { db } from "~/db.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { settingsSchema, updateProjectSettings } from "~/modules/projects/update-settings.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { findHeldByOthers, heldMessage } from "~/modules/review/held-by-others.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { getReviewItem } from "~/modules/review/queries.server";
import { returnSkippedItem } from "~/modules/review/return-skipped.server";
import { skipItem } from "~/modules/review/skip-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { questionSchema, templateSchema } from "~/modules/templates/schemas";
import { NotFoundError } from "~/utils/errors";
import { defineEndpoint, errorBodySchema } from "../define.server";
import { storedItemSchema } from "./items.server";

const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const itemParams = z.object({ itemId: z.coerce.number({ error: "Expected an item id." }).int().positive({ error: "Expected an item id." }) });
const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };

const templateOut = z.object({ version: z.int(), questions: z.array(questionSchema) }).meta({ id: "Template" });

export const getTemplateEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/template",
  tags: ["projects"],
  summary: "The project's current review template",
  params: projectParams,
  responses: { 200: { description: "The current version", schema: templateOut }, ...common },
  handler: async ({ actor, params }) => {
    await authorizeProject(db, actor, params.projectId, "project.view");
    const template = await getTemplate(db, params.projectId);
    if (!template) throw new NotFoundError("This project has no template yet; PUT one.");
    return { status: 200, body: template };
  },
});

export const putTemplateEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/projects/{projectId}/template",
  tags: ["projects"],
  summary: "Replace the review template (saved as a new version; managers)",
  params: projectParams,
  body: templateSchema.meta({ id: "TemplateInput" }),
  responses: { 200: { description: "The new version", schema: templateOut }, ...common, 403: err("Only managers may edit the template") },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await saveTemplate(db, actor, params.projectId, body) }),
});

const settingsOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    guidelines: z.string(),
    overlap: z.int(),
    leaseMinutes: z.int(),
    itemOrder: z.enum(itemOrders),
    templateVersion: z.int(),
    goldRate: z.number().describe("share of claims that hand out a gold item (0–1)"),
    onboardingItems: z.int().describe("gold items a new reviewer answers first; 0: no onboarding round"),
    onboardingPassMark: z.number().nullable().describe("share of the onboarding round to answer right (0–1); null: no pass mark"),
  })
  .meta({ id: "ProjectSettings" });

export const patchProjectEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/projects/{projectId}",
  tags: ["projects"],
  summary: "Change project settings: name, description, guidelines, overlap, lease minutes, item order, gold rate and onboarding round (managers)",
  params: projectParams,
  body: settingsSchema.meta({ id: "ProjectSettingsInput" }),
  responses: { 200: { description: "The settings now", schema: settingsOut }, ...common, 403: err("Only managers may change settings") },
  handler: async ({ actor, params, body }) => {
    const p = await updateProjectSettings(db, actor, params.projectId, body);
    const { id, name, description, guidelines, overlap, leaseMinutes, itemOrder, templateVersion, goldRate, onboardingItems, onboardingPassMark } = p;
    return { status: 200, body: { id, name, description, guidelines, overlap, leaseMinutes, itemOrder, templateVersion, goldRate, onboardingItems, onboardingPassMark } };
  },
});

const claimedItem = z
  .object({
    lease: z.object({ id: z.uuid(), expiresAt: z.iso.datetime(), resumed: z.boolean() }),
    item: storedItemSchema,
    order: z.array(z.int()).describe("Output indexes left to right for this reviewer"),
    suggestions: z
      .array(
        z.object({
          questionKey: z.string(),
          value: z.unknown(),
          confidence: z.number().nullable(),
          source: z.string(),
          origin: z.enum(["import", "llm", "classifier"]),
          rationale: z.string().nullable().describe("an LLM judge's reasons, as it wrote them (untrusted text)"),
        }),
      )
      .describe("pre-filled answers, newest first; empty until you have answered in projects that hide suggestions until then"),
    templateVersion: z.int().nullable(),
  })
  .meta({ id: "ClaimedItem" });

const heldByOthers = z
  .object({
    heldByOthers: z.int().describe("Items you have not answered whose places other reviewers hold"),
    retryAt: z.iso.datetime().describe("When the first of their leases runs out"),
    message: z.string(),
  })
  .meta({ id: "HeldByOthers" });

export const claimEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/queue/claim",
  tags: ["review"],
  summary: "Lease the next item to review; 202 while what is left is held by others; 204 when nothing is or will become available to you",
  description:
    "200 carries the leased item. 202 means nothing is free for you now, but other reviewers hold items you have not answered: " +
    "one may come back when its lease lapses or is skipped, so ask again after `Retry-After` seconds. 204 means nothing is left " +
    "for you and nothing held by others can become yours: you are done (until more items arrive). 403 also comes when the project's " +
    "onboarding round closed the queue to you: the message says your score and the pass mark; a manager can let you in or give you another round.",
  params: projectParams,
  responses: {
    200: { description: "The leased item", schema: claimedItem },
    202: { description: "Items you have not answered are held by others; ask again after Retry-After seconds", schema: heldByOthers },
    204: { description: "Nothing is or will become available to you" },
    ...common,
    403: err("Your role does not include reviewing, or your onboarding round scored below the project's pass mark (the message says your score)"),
  },
  handler: async ({ actor, params }) => {
    const lease = await claimNextItem(db, actor, params.projectId);
    if (!lease) {
      const held = await findHeldByOthers(db, actor, params.projectId);
      if (!held) return { status: 204 };
      const seconds = Math.max(1, Math.ceil((held.until.getTime() - Date.now()) / 1000));
      return { status: 202, headers: { "Retry-After": String(seconds) }, body: { heldByOthers: held.items, retryAt: held.until.toISOString(), message: heldMessage(held) } };
    }
    const view = await getReviewItem(db, actor, lease.itemId);
    const { id, externalId, input, outputs, reference, metadata } = view.item;
    return {
      status: 200,
      body: {
        lease: { id: lease.leaseId, expiresAt: lease.expiresAt.toISOString(), resumed: lease.resumed },
        item: { id, externalId, input, outputs, reference, metadata },
        order: view.order,
        suggestions: view.suggestions,
        templateVersion: view.template?.version ?? null,
      },
    };
  },
});

const annotationOut = z
  .object({ id: z.uuid(), itemId: z.int(), version: z.int(), values: z.record(z.string(), z.unknown()), templateVersion: z.int() })
  .meta({ id: "Annotation" });

const trainingFeedback = z
  .object({
    correct: z.boolean().nullable().describe("every scored question matched; null when none could be scored"),
    questions: z.array(
      z.object({
        key: z.string(),
        text: z.string(),
        expected: z.string().describe("the right answer, in words"),
        given: z.string().describe("your answer, in words"),
        scored: z.boolean(),
        correct: z.boolean().optional(),
        reason: z.string().optional().describe("why the question is not scored"),
      }),
    ),
    explanation: z.string().nullable(),
  })
  .describe("only for an answer in your onboarding round: the right answer beside yours, and why")
  .meta({ id: "TrainingFeedback" });

export const submitEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/items/{itemId}/annotations",
  tags: ["review"],
  summary: "Submit your answer; the same idempotencyKey again returns the first result with 200",
  params: itemParams,
  body: z
    .object({
      values: z.record(z.string(), z.unknown()),
      idempotencyKey: z.string().min(8, { error: "Use an idempotency key of at least 8 characters (a UUID is ideal)." }).max(200),
      durationMs: z.int().min(0).max(86_400_000).optional(),
    })
    .meta({ id: "AnnotationInput" }),
  responses: {
    201: { description: "Created; `training` comes with an answer in your onboarding round", schema: annotationOut.extend({ training: trainingFeedback.optional() }) },
    200: { description: "A retry: the annotation the key created before", schema: annotationOut },
    ...common,
    409: err("Already answered, or the item has all its answers"),
  },
  handler: async ({ actor, params, body }) => {
    const result = await submitAnnotation(db, actor, { itemId: params.itemId, ...body });
    const { created, onboarding, ...annotation } = result;
    const training = onboarding ? (await getReviewItem(db, actor, params.itemId)).goldFeedback : null;
    return { status: created ? 201 : 200, body: training ? { ...annotation, training } : annotation };
  },
});

export const editEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/annotations/{annotationId}",
  tags: ["review"],
  summary: "Edit your submitted answer; 409 with `current` when it changed since `version`",
  params: z.object({ annotationId: z.uuid({ error: "Expected an annotation id (a UUID)." }) }),
  body: z.object({ values: z.record(z.string(), z.unknown()), version: z.int().positive() }).meta({ id: "AnnotationEdit" }),
  responses: {
    200: { description: "The new version", schema: z.object({ id: z.uuid(), version: z.int(), values: z.record(z.string(), z.unknown()) }) },
    ...common,
    409: { description: "Stale edit: `current` holds the newer version and values", schema: errorBodySchema.extend({ current: z.unknown() }) },
  },
  handler: async ({ actor, params, body }) => ({
    status: 200,
    body: await editAnnotation(db, actor, { annotationId: params.annotationId, ...body }),
  }),
});

export const skipEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/items/{itemId}/skip",
  tags: ["review"],
  summary: "Skip an item; it goes to other reviewers and does not come back to you unless you take the skip back (`/unskip`)",
  params: itemParams,
  body: z.object({ reason: z.string().max(1000).optional() }).meta({ id: "SkipInput" }),
  responses: { 204: { description: "Skipped" }, ...common, 409: err("Already answered") },
  handler: async ({ actor, params, body }) => {
    await skipItem(db, actor, { itemId: params.itemId, reason: body.reason });
    return { status: 204 };
  },
});

export const unskipEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/items/{itemId}/unskip",
  tags: ["review"],
  summary: "Take a skip back: the item is leased to you again (the next claim resumes it) when it still needs an answer",
  params: itemParams,
  responses: {
    200: { description: "Leased to you again", schema: z.object({ itemId: z.int(), expiresAt: z.iso.datetime() }).meta({ id: "Unskipped" }) },
    ...common,
    409: err("You did not skip it, already answered it, or it no longer needs your answer"),
  },
  handler: async ({ actor, params }) => {
    const lease = await returnSkippedItem(db, actor, params.itemId);
    return { status: 200, body: { itemId: lease.itemId, expiresAt: lease.expiresAt.toISOString() } };
  },
});
