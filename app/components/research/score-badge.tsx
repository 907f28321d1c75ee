/** A comment's score in words and symbols. */
export function ScoreBadge({ scoreKind, score }: { scoreKind: "thumbs" | "stars" | null; score: number | null }) {
  if (scoreKind === "thumbs") return <span className={score === 1 ? "text-emerald-700" : "text-red-700"}>{score === 1 ? "👍 up" : "👎 down"}</span>;
  if (scoreKind === "stars") return <span className="text-amber-700">{`★ ${score}/5`}</span>;
  return <span className="text-slate-400">no score</span>;
}
