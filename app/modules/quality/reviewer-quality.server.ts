import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { agreesWith } from "~/modules/calibration/calibrate";
import { projectPeople } from "~/modules/projects/people.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { kindOf, type Question } from "~/modules/questions";
import { isEmptyAnswer } from "~/modules/questions/types";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { matchesGold } from "~/modules/review/gold-check";
import { byWeek, median, ratesByQuestion, weekOf, type Comparison, type ReviewerQuality, type ReviewersReport } from "./reviewer-quality";

type Row = { user_id: string; values: Record<string, unknown>; submitted_at: Date; gold: Record<string, unknown> | null; consensus: Record<string, unknown> | null; seconds: number | null };

/**
 * Each reviewer's accuracy on gold items and agreement with the resolved consensus (per question,
 * Wilson 95% intervals, and by week), their speed, answer count and onboarding state. `mine`
 * limits it to the actor (a reviewer's own view, which needs only the right to review); otherwise
 * it needs quality.view, and names follow the project's rules. Agreement counts the reviewer's own
 * answer in the consensus, as the resolution does.
 */
export async function computeReviewerQuality(db: Db, actor: Actor, projectId: string, options: { mine?: boolean } = {}): Promise<ReviewersReport> {
  const access = await authorizeProject(db, actor, projectId, options.mine ? "review.annotate" : "quality.view");
  await refreshResolutions(db, projectId);
  const sql = sqlOf(db);
  const only = options.mine ? actor.userId : null;
  const [[project], people, rows, rounds] = await Promise.all([
    sql<{ questions: Question[] | null; onboarding_items: number }[]>`
      select t.questions, p.onboarding_items from projects p left join review_templates t on t.project_id = p.id and t.version = p.template_version where p.id = ${projectId}`,
    sql<{ id: string; name: string; email: string }[]>`
      select u.id, u.name, u.email from users u
      where u.id in (select m.user_id from project_members m where m.project_id = ${projectId} and m.role = 'reviewer'
                     union select a.user_id from annotations a where a.project_id = ${projectId} and a.status = 'submitted')
        and (${only}::uuid is null or u.id = ${only}::uuid)
      order by u.name, u.id`,
    sql<Row[]>`
      -- why: on a gold item, the answer as first submitted: an edit made after seeing the right
      -- answer (an onboarding round shows it) must not raise the reviewer's accuracy.
      select a.user_id, a.submitted_at, case when i.status = 'gold' then i.gold end as gold,
             case when i.status = 'gold'
                  then coalesce((select h.values from annotation_history h where h.annotation_id = a.id and h.status = 'submitted' order by h.version limit 1), a.values)
                  else a.values end as values,
             (select jsonb_object_agg(r.question_key, r.value) from resolutions r where r.item_id = a.item_id and r.status = 'resolved') as consensus,
             extract(epoch from a.submitted_at - s.created_at)::float8 as seconds
      from annotations a
      join items i on i.id = a.item_id
      left join assignments s on s.item_id = a.item_id and s.user_id = a.user_id
      where a.project_id = ${projectId} and a.status = 'submitted' and (${only}::uuid is null or a.user_id = ${only}::uuid)`,
    sql<{ user_id: string; state: "open" | "passed" | "failed"; answered: number; correct: number; passed_by: string | null }[]>`
      select user_id, state, answered, correct, passed_by from reviewer_onboarding where project_id = ${projectId} and (${only}::uuid is null or user_id = ${only}::uuid)`,
  ]);
  const questions = project?.questions ?? [];
  const measured = questions.filter((q) => kindOf(q).calibration(q).measure !== "none");
  const seen = await (await projectPeople(db, actor, projectId, access.role)).see(people.map((p) => ({ id: p.id, name: p.name, email: p.email })));
  const reviewers = people.map((person, n): ReviewerQuality => {
    const mine = rows.filter((r) => r.user_id === person.id);
    const gold: Comparison[] = [];
    const consensus: Comparison[] = [];
    for (const row of mine) {
      const week = weekOf(new Date(row.submitted_at));
      for (const q of measured) {
        if (row.gold) {
          const match = matchesGold(q, row.gold, row.values[q.key]);
          if (match !== null) gold.push({ question: q.key, match, week });
        } else if (row.consensus && !isEmptyAnswer(row.consensus[q.key]) && !isEmptyAnswer(row.values[q.key])) {
          const m = kindOf(q).calibration(q);
          const match = m.measure === "none" ? null : agreesWith(m, row.consensus[q.key], row.values[q.key]);
          if (match !== null) consensus.push({ question: q.key, match, week });
        }
      }
    }
    const seconds = mine.map((r) => r.seconds).filter((s): s is number => s !== null && s >= 0);
    const round = rounds.find((r) => r.user_id === person.id);
    return {
      userId: seen[n]!.userId,
      label: seen[n]!.label,
      isYou: seen[n]!.isYou,
      answered: mine.length,
      goldAnswered: mine.filter((r) => r.gold).length,
      accuracy: ratesByQuestion(gold, measured, "No gold answers yet."),
      agreement: ratesByQuestion(consensus, measured, "No answers on items with a consensus yet."),
      medianSeconds: median(seconds),
      speedReason: seconds.length ? null : "No answers yet.",
      onboarding: round ? { state: round.state, answered: round.answered, correct: round.correct, letIn: round.passed_by !== null } : null,
      weeks: byWeek(gold, consensus),
    };
  });
  return {
    projectId,
    questions: questions.map((q) => ({
      key: q.key,
      text: q.text,
      reason: measured.includes(q) ? null : `Not scored: a ${kindOf(q).label.toLowerCase()} answer has no single right answer to compare.`,
    })),
    onboardingItems: project?.onboarding_items ?? 0,
    reviewers,
  };
}
