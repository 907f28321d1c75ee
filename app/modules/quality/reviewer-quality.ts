/**
 * Per-reviewer quality figures from answers already compared (pure, browser-safe): accuracy on
 * gold items and agreement with the resolved consensus, each per question as a share with its
 * Wilson 95% interval, by week, and the median time per item. Undefined figures say why.
 */
import { noEstimate, type Estimate } from "~/modules/stats/estimate";
import { wilsonInterval } from "~/modules/stats/proportion";

export type ReviewerQuality = {
  userId: string | null;
  label: string;
  isYou: boolean;
  /** Submitted answers, gold items included. */
  answered: number;
  goldAnswered: number;
  accuracy: QuestionRate[];
  agreement: QuestionRate[];
  /** Median seconds from the item's lease to the answer; null with `speedReason`. */
  medianSeconds: number | null;
  speedReason: string | null;
  onboarding: { state: "open" | "passed" | "failed"; answered: number; correct: number; letIn: boolean } | null;
  weeks: WeekRow[];
};

export type ReviewersReport = {
  projectId: string;
  /** The template's questions; `reason` says why one is not measured. */
  questions: { key: string; text: string; reason: string | null }[];
  onboardingItems: number;
  reviewers: ReviewerQuality[];
};

/** One answer to one question set against a reference (a gold answer, or the consensus). */
export type Comparison = { question: string; match: boolean; week: string };

export type QuestionRate = { question: string; text: string; estimate: Estimate };

export type WeekRow = { week: string; accuracy: Estimate; agreement: Estimate };

/** Per question of `questions` (the scored ones), the share of matches with its Wilson interval. */
export function ratesByQuestion(comparisons: Comparison[], questions: { key: string; text: string }[], none: string): QuestionRate[] {
  return questions.map((q) => {
    const mine = comparisons.filter((c) => c.question === q.key);
    const matches = mine.filter((c) => c.match).length;
    return { question: q.key, text: q.text, estimate: mine.length ? wilsonInterval(matches, mine.length) : noEstimate(none) };
  });
}

/** Accuracy and agreement pooled over questions, week by week (oldest first). */
export function byWeek(gold: Comparison[], consensus: Comparison[]): WeekRow[] {
  const weeks = [...new Set([...gold, ...consensus].map((c) => c.week))].sort();
  const share = (list: Comparison[], none: string) => (list.length ? wilsonInterval(list.filter((c) => c.match).length, list.length) : noEstimate(none));
  return weeks.map((week) => ({
    week,
    accuracy: share(
      gold.filter((c) => c.week === week),
      "No gold answers this week.",
    ),
    agreement: share(
      consensus.filter((c) => c.week === week),
      "No answers with a consensus this week.",
    ),
  }));
}

/** The median of the values; null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Monday of the week `at` falls in (UTC), as YYYY-MM-DD. */
export function weekOf(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}
