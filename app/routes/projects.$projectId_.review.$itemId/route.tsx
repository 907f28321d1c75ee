import { data, redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, type ClientActionFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { claimNextItem, OnboardingClosedError } from "~/modules/review/claim-next-item.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { readAnswers, reviewFormSchema } from "~/modules/review/parse-answer-form";
import { getReviewItem } from "~/modules/review/queries.server";
import { getReviewerProgress } from "~/modules/review/reviewer-progress.server";
import { saveDraft } from "~/modules/review/save-draft.server";
import { skipItem } from "~/modules/review/skip-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import type { Answers } from "~/modules/templates/answers";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { formError, requireActor } from "~/utils/http.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";
import { ReviewScreen } from "./review-screen";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Item #${data.review.item.id} · ${data.review.project.name} · Loupe` : "Review · Loupe" },
];

export const loader = pageLoader(async ({ actor, params }) => {
  const review = await getReviewItem(db, actor, Number(params.itemId));
  if (review.project.id !== params.projectId) throw new NotFoundError("No such item.");
  // why not awaited: the counts stream in after the item, so they never delay the next item's paint;
  // null for members who may look but not review (a manager opening an item).
  const progress = getReviewerProgress(db, actor, review.project.id).catch(() => null);
  // A fresh idempotency key for this visit's submit; the browser keeps the first one it saw.
  return { review, userId: actor.userId, submitKey: crypto.randomUUID(), progress };
});

/**
 * Submit and skip answer, then claim the next item and redirect to it: one round trip from the
 * reviewer's click to the next item painting. (The next item cannot be prefetched before it is
 * claimed, and claiming is a write that must not happen in a loader.)
 */
// why: its own catch, because a stale edit answers 409 with the newer values to show, not only a message.
export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const itemId = Number(params.itemId);
  const form = await request.formData();
  try {
    const input = parseOrThrow(reviewFormSchema, Object.fromEntries(form));
    const values = () => readAnswers(form, () => questionsOf(actor, itemId));
    if (input._intent === "draft") {
      if (input._item !== undefined && input._item !== itemId) throw new ConflictError(`This draft was written for item ${input._item}, not item ${itemId}; it was not saved here.`);
      return { draft: await saveDraft(db, actor, { itemId, values: await values() }) };
    }
    if (input._intent === "edit") {
      return { edited: await editAnnotation(db, actor, { annotationId: input.annotationId, version: input._version, values: await values() }) };
    }
    if (input._intent === "skip") await skipItem(db, actor, { itemId, reason: input._reason });
    if (input._intent === "submit") {
      const submitted = await submitAnnotation(db, actor, { itemId, values: await values(), idempotencyKey: input.idempotencyKey, durationMs: input.durationMs });
      // An onboarding answer stays on its item, which now shows the right answer and why.
      if (submitted.onboarding) return redirect(`/projects/${params.projectId}/review/${itemId}`);
    }
    const next = await claimNextItem(db, actor, params.projectId ?? "").catch((error: unknown) => {
      if (error instanceof OnboardingClosedError) return "closed" as const;
      throw error;
    });
    if (next === "closed") return redirect(`/projects/${params.projectId}/review`);
    return redirect(next ? `/projects/${params.projectId}/review/${next.itemId}` : `/projects/${params.projectId}/review?done=1`);
  } catch (error) {
    if (error instanceof ConflictError && error.current) {
      return data({ formError: error.message, conflict: error.current as { version: number; values: Answers } }, { status: 409 });
    }
    return formError(error);
  }
}

// Only the no-JS post needs the template to read one field per question.
async function questionsOf(actor: Actor, itemId: number) {
  const review = await getReviewItem(db, actor, itemId);
  return { questions: review.template?.questions ?? [], outputs: review.item.outputs };
}

/**
 * In the browser, a submit that cannot reach the server comes back as `networkError` instead
 * of replacing the screen with an error page; the screen retries it with the same idempotency key.
 */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  try {
    return await serverAction<typeof action>();
  } catch (error) {
    if (error instanceof Response || (isRouteErrorResponse(error) && error.status < 500)) throw error;
    return { networkError: error instanceof Error ? error.message : "Loupe could not be reached." };
  }
}

// why: an autosave must not re-run the page's loader on every pause in typing. But only while the
// page stays on its item: an autosave that finishes while the submit is already loading the next
// item completes that navigation with its own revalidation, and skipping the loader then showed
// the old item's data at the next item's address.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, currentParams, nextParams, defaultShouldRevalidate }) =>
  formData?.get("_intent") === "draft" && currentParams.itemId === nextParams.itemId ? false : defaultShouldRevalidate;

export default function ReviewItemPage() {
  const { review, userId, submitKey, progress } = useLoaderData<typeof loader>();
  // why: keyed by item, so moving to the next item starts from a clean screen.
  return <ReviewScreen key={review.item.id} review={review} userId={userId} submitKey={submitKey} progress={progress} />;
}
