/**
 * A comment with the passage [start, end) marked. The comment is untrusted text: React renders it
 * as text nodes, never markup.
 */
export function HighlightedComment({
  comment,
  start,
  end,
}: {
  comment: string;
  start: number | null;
  end: number | null;
}) {
  if (
    start === null ||
    end === null ||
    start < 0 ||
    end > comment.length ||
    start >= end
  )
    return <span className="whitespace-pre-wrap">{comment}</span>;
  return (
    <span className="whitespace-pre-wrap">
      {comment.slice(0, start)}
      <mark className="rounded bg-amber-200 px-0.5 text-slate-900">
        {comment.slice(start, end)}
      </mark>
      {comment.slice(end)}
    </span>
  );
}
