import { and, eq, sql } from "drizzle-orm";
import { codings, themeSuggestions, themes } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { openAiClientFor } from "~/modules/llm/client.server";
import { estimateCostUsd } from "~/modules/llm/cost";
import { providerSecrets } from "~/modules/llm/provider-secrets.server";
import { providerRow } from "~/modules/llm/queries.server";
import { callWithRetries } from "~/modules/llm-runs/call-provider.server";
import { providerLimiter } from "~/modules/llm-runs/limiter";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { decisionSchema, suggestThemesSchema, type SuggestThemesInput } from "./research-schemas";
import { commentFilterSql } from "./samples.server";
import { answerSchema, checkAnswer, suggestionMessages, type CodebookTheme } from "./suggest-themes";

export type SuggestReport = {
  asked: number;
  stored: number;
  /** Suggestions dropped because they named a theme the codebook does not have, or quoted text the comment does not hold. */
  droppedUnknownTheme: number;
  droppedQuoteNotFound: number;
  failed: { feedbackId: number; error: string }[];
  tokens: { input: number; output: number };
  costUsd: number;
  costComplete: boolean;
};

export type SuggestOptions = { allowPrivate?: boolean; backoffBaseMs?: number; signal?: AbortSignal };

/**
 * Asks a provider's model which codebook themes each of up to 50 comments carries — comments the
 * filter matches that nobody has finished or coded and that have no suggestion yet, newest first —
 * and stores the checked answers as pending suggestions (nothing is applied). Calls run within the
 * provider's concurrency limit with Loupe's retries; a comment whose call fails is reported and
 * left for another request. Costs money, so only managers and engineers (`llm.run`).
 */
export async function suggestThemes(db: Db, actor: Actor, projectId: string, input: SuggestThemesInput, options: SuggestOptions = {}): Promise<SuggestReport> {
  const access = await authorizeProject(db, actor, projectId, "llm.run");
  if (access.archived) throw new ConflictError("The project is archived.");
  const data = parseOrThrow(suggestThemesSchema, input);
  const provider = await providerRow(db, data.providerId).catch(() => null);
  if (!provider || !provider.enabled) throw new ValidationError("providerId: No enabled provider has this id.", [{ field: "providerId", message: "No enabled provider has this id." }]);
  const price = provider.models.find((m) => m.id === data.model);
  if (!price) {
    const message = `${provider.name} offers ${provider.models.map((m) => m.id).join(", ") || "no models"}, not ${data.model}.`;
    throw new ValidationError(`model: ${message}`, [{ field: "model", message }]);
  }
  const codebook: CodebookTheme[] = await db.select({ id: themes.id, name: themes.name, description: themes.description, examples: themes.examples }).from(themes).where(eq(themes.projectId, projectId)).orderBy(themes.position, themes.name);
  if (!codebook.length) throw new ConflictError("The codebook has no themes yet; add some before asking a model to suggest them.");
  const comments = await db.execute<{ id: string; comment: string }>(sql`
    select f.id, f.comment from feedback f
    where f.project_id = ${projectId} and ${commentFilterSql(data.filter)} and btrim(f.comment) <> ''
      and not exists (select 1 from feedback_coded fc where fc.feedback_id = f.id)
      and not exists (select 1 from codings k where k.feedback_id = f.id)
      and not exists (select 1 from theme_suggestions s where s.feedback_id = f.id)
    order by f.occurred_at desc, f.id desc limit ${data.limit}`);

  const client = openAiClientFor(provider, { allowPrivate: options.allowPrivate });
  const secrets = providerSecrets(provider);
  const policy = { maxAttempts: 3, timeoutMs: 60_000, backoffBaseMs: options.backoffBaseMs ?? 500, maxWaitMs: 30_000 };
  const limiter = providerLimiter(provider.id, provider.maxConcurrency);
  const signal = options.signal ?? new AbortController().signal;
  const report: SuggestReport = { asked: comments.length, stored: 0, droppedUnknownTheme: 0, droppedQuoteNotFound: 0, failed: [], tokens: { input: 0, output: 0 }, costUsd: 0, costComplete: true };
  const source = `${provider.name} / ${data.model}`;
  const schema = answerSchema(codebook);

  await Promise.all(
    comments.map(async (c) => {
      const feedbackId = Number(c.id);
      const release = await limiter.acquire(signal);
      let call;
      try {
        call = await callWithRetries(
          client,
          { model: data.model, messages: suggestionMessages(codebook, c.comment), temperature: 0, response_format: { type: "json_schema", json_schema: { name: "theme_suggestions", schema, strict: true } } },
          policy,
          secrets,
          signal,
        );
      } finally {
        release();
      }
      if (!call.ok) return void report.failed.push({ feedbackId, error: call.error });
      const usage = call.completion.usage;
      report.tokens.input += usage?.prompt_tokens ?? 0;
      report.tokens.output += usage?.completion_tokens ?? 0;
      const cost = estimateCostUsd(price, usage);
      if (cost === null) report.costComplete = false;
      else report.costUsd += cost;
      const checked = checkAnswer(call.completion.choices[0]?.message.content ?? "", codebook, c.comment);
      if (!checked.ok) return void report.failed.push({ feedbackId, error: checked.error });
      report.droppedUnknownTheme += checked.unknownThemes.length;
      report.droppedQuoteNotFound += checked.quotesNotFound.length;
      if (!checked.suggestions.length) return;
      const inserted = await db
        .insert(themeSuggestions)
        .values(checked.suggestions.map((s) => ({ projectId, feedbackId, themeId: s.themeId, source, rationale: s.rationale, quoteStart: s.quoteStart, quoteEnd: s.quoteEnd })))
        .onConflictDoNothing()
        .returning({ id: themeSuggestions.id });
      report.stored += inserted.length;
    }),
  );
  report.failed.sort((a, b) => a.feedbackId - b.feedbackId);
  await recordAudit(db, {
    actorUserId: actor.userId,
    action: "theme_suggestions.request",
    targetType: "project",
    targetId: projectId,
    data: { provider: provider.name, model: data.model, asked: report.asked, stored: report.stored, failed: report.failed.length, costUsd: report.costUsd },
  });
  return report;
}

export type PendingSuggestion = {
  id: string;
  feedbackId: number;
  comment: string;
  themeId: string;
  theme: string;
  source: string;
  rationale: string;
  quoteStart: number | null;
  quoteEnd: number | null;
  createdAt: string;
};

/** The project's pending suggestions, oldest first (the order they are worked through), at most `limit`. */
export async function listPendingSuggestions(db: Db, actor: Actor, projectId: string, limit = 100): Promise<{ suggestions: PendingSuggestion[]; total: number }> {
  await authorizeProject(db, actor, projectId, "feedback.read");
  const rows = await db.execute<{ id: string; feedback_id: string; comment: string; theme_id: string; theme: string; source: string; rationale: string; quote_start: number | null; quote_end: number | null; created_at: Date; total: number }>(sql`
    select s.id, s.feedback_id, f.comment, s.theme_id, t.name as theme, s.source, s.rationale, s.quote_start, s.quote_end, s.created_at,
      count(*) over ()::int as total
    from theme_suggestions s join feedback f on f.id = s.feedback_id join themes t on t.id = s.theme_id
    where s.project_id = ${projectId} and s.state = 'pending'
    order by s.created_at, s.feedback_id, t.position, t.name limit ${limit}`);
  return {
    total: rows[0]?.total ?? 0,
    suggestions: rows.map((r) => ({
      id: r.id,
      feedbackId: Number(r.feedback_id),
      comment: r.comment,
      themeId: r.theme_id,
      theme: r.theme,
      source: r.source,
      rationale: r.rationale,
      quoteStart: r.quote_start,
      quoteEnd: r.quote_end,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}

export type Decided = { id: string; state: "accepted" | "rejected"; coding: { feedbackId: number; themeId: string; coderId: string; origin: "llm" } | null };

/**
 * Accepts or rejects one pending suggestion. Accepting codes the comment with the theme and the
 * suggested quote for the accepting researcher (origin `llm`; a coding they already have is kept
 * as it is). Managers and researchers (`feedback.code`); a suggestion already decided is a conflict.
 */
export async function decideSuggestion(db: Db, actor: Actor, suggestionId: string, input: { decision: string }): Promise<Decided> {
  if (!/^[0-9a-f-]{36}$/i.test(suggestionId)) throw new NotFoundError("No such suggestion.");
  const { decision } = parseOrThrow(decisionSchema, input);
  const [found] = await db.select().from(themeSuggestions).where(eq(themeSuggestions.id, suggestionId));
  if (!found) throw new NotFoundError("No such suggestion.");
  const access = await authorizeProject(db, actor, found.projectId, "feedback.code");
  if (access.archived) throw new ConflictError("The project is archived.");
  return db.transaction(async (tx) => {
    const state = decision === "accept" ? ("accepted" as const) : ("rejected" as const);
    const [updated] = await tx
      .update(themeSuggestions)
      .set({ state, decidedBy: actor.userId, decidedAt: new Date() })
      .where(and(eq(themeSuggestions.id, suggestionId), eq(themeSuggestions.state, "pending")))
      .returning({ id: themeSuggestions.id });
    if (!updated) throw new ConflictError(`This suggestion was already ${found.state}.`);
    let coding: Decided["coding"] = null;
    if (state === "accepted") {
      await tx
        .insert(codings)
        .values({ feedbackId: found.feedbackId, themeId: found.themeId, coderId: actor.userId, projectId: found.projectId, quoteStart: found.quoteStart, quoteEnd: found.quoteEnd, origin: "llm", memo: found.rationale ? `${found.source}: ${found.rationale}` : "" })
        .onConflictDoNothing();
      coding = { feedbackId: found.feedbackId, themeId: found.themeId, coderId: actor.userId, origin: "llm" };
    }
    await recordAudit(tx, { actorUserId: actor.userId, action: `theme_suggestion.${decision}`, targetType: "theme_suggestion", targetId: suggestionId, data: { projectId: found.projectId, feedbackId: found.feedbackId, themeId: found.themeId } });
    return { id: suggestionId, state, coding };
  });
}
