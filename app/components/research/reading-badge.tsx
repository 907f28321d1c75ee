import type { Reading } from "~/modules/research/agreement";

const tones = {
  good: "bg-emerald-100 text-emerald-900",
  fair: "bg-amber-100 text-amber-900",
  poor: "bg-red-100 text-red-900",
} as const;

/** How to read an agreement figure (Landis & Koch for κ, Krippendorff's rule for α), as a coloured label. */
export function ReadingBadge({ reading }: { reading: Reading }) {
  return (
    <span
      className={`ml-1 inline-block rounded px-1.5 py-0.5 text-xs font-medium ${
        tones[reading.tone]
      }`}
    >
      {reading.label}
    </span>
  );
}
