import { kindOf } from "~/modules/questions";
import type { Consensus, Vote } from "~/modules/questions/types";
import type { Question } from "~/modules/templates/schemas";

export type { Consensus, Vote } from "~/modules/questions/types";
export { SPAN_OVERLAP } from "~/modules/questions/spans";

/** Question kinds that have a consensus (a `text` comment has none). */
export const hasConsensus = (q: Question) => kindOf(q).consensus !== null;

/** An answer counts as given unless it is absent or null (an empty flag list is an answer: "none raised"). */
export const isAnswered = (value: unknown) => value !== undefined && value !== null;

/**
 * The consensus of one question from the answers given to it (each kind's module holds its rule),
 * per docs/decisions/0008-resolutions.md:
 * a strict plurality for thumbs, single choice and pairwise (a tie, or a pairwise "tie" on top,
 * stays unresolved); mean (with median and spread) for ratings; the options a strict majority
 * chose for multi-choice and flags; spans clustered by overlap, kept when a strict majority of
 * reviewers has a span in the cluster; identical corrections, else unresolved until adjudicated.
 * With one answer that answer is the consensus (`single`, agreement null).
 */
export function consensusOf(q: Question, votes: Vote[]): Consensus {
  const rule = kindOf(q).consensus;
  if (!rule) throw new Error(`A ${q.kind} question has no consensus.`);
  if (votes.length === 0) throw new Error("A consensus needs at least one answer.");
  const c = rule(q, votes);
  return votes.length === 1 ? { ...c, method: "single", agreement: null } : c;
}

