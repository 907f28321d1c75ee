import { emptyPiiCounts, type PiiCounts } from "./pii";
import { labelOf, joinLabels, splits, type FrozenRow, type Roles, type Split } from "./formats/frozen";
import { outcomesFor, type ItemFormat } from "./formats/rows";
import type { ExportFormat } from "./schemas";

export const itemFormats: ItemFormat[] = ["openai-chat", "openai-preference", "dpo", "classification-csv", "classification-jsonl", "parquet"];
export const MAX_LISTED_INVALID = 1000;

export type PerSplit = Record<Split, number>;
const perSplit = (): PerSplit => ({ train: 0, validation: 0, test: 0 });

export type FormatTally = {
  rows: PerSplit;
  skipped: Record<string, PerSplit>;
  invalid: { count: PerSplit; rows: { itemId: number; split: Split; reason: string }[] };
};

export type SnapshotCounts = {
  matched: number;
  dedupRemoved: number;
  capRemoved: number;
  items: PerSplit;
  annotations: PerSplit;
  redactions: PiiCounts;
  formats: Record<ExportFormat, FormatTally>;
};

export type AgreementFigures = { items: number; withAgreement: number; mean: number | null; min: number | null; max: number | null; resolved: number; unresolved: number };
export type SnapshotStats = {
  // why: arrays, not objects keyed by label or question: jsonb would reorder the keys.
  label: { question: string; multiple: boolean; distribution: ({ label: string } & PerSplit)[] } | null;
  agreement: ({ question: string } & AgreementFigures)[];
  reviewers: number;
};

const tally = (): FormatTally => ({ rows: perSplit(), skipped: {}, invalid: { count: perSplit(), rows: [] } });

/**
 * Adds up, row by row while a snapshot is written, everything the dataset card reports: items
 * and annotations per split, each format's rows, skips and rule violations, the label
 * distribution and the agreement per question. Memory grows with labels and questions, not rows.
 */
export class SnapshotTally {
  readonly counts: SnapshotCounts;
  private readonly agreementSums = new Map<string, { sum: number; figures: AgreementFigures }>();
  private readonly distribution = new Map<string, PerSplit>();
  private readonly reviewers = new Set<string>();

  constructor(private readonly roles: Roles, matched: { matched: number; dedupRemoved: number; capRemoved: number }) {
    this.counts = {
      ...matched,
      items: perSplit(),
      annotations: perSplit(),
      redactions: emptyPiiCounts(),
      formats: Object.fromEntries([...itemFormats, "annotations-jsonl"].map((f) => [f, tally()])) as Record<ExportFormat, FormatTally>,
    };
  }

  /** Counts one item and returns each format's records of it (the rows that passed the checks). */
  addRow(row: FrozenRow): { format: ItemFormat; record: unknown }[] {
    this.counts.items[row.split]++;
    const records: { format: ItemFormat; record: unknown }[] = [];
    for (const format of itemFormats) {
      const t = this.counts.formats[format];
      for (const outcome of outcomesFor(format, row, this.roles)) {
        if (outcome.kind === "row") {
          t.rows[row.split]++;
          records.push({ format, record: outcome.record });
        }
        else if (outcome.kind === "skip") (t.skipped[outcome.reason] ??= perSplit())[row.split]++;
        else {
          t.invalid.count[row.split]++;
          if (t.invalid.rows.length < MAX_LISTED_INVALID) t.invalid.rows.push({ itemId: row.itemId, split: row.split, reason: outcome.reason });
        }
      }
    }
    const label = labelOf(row.resolutions, this.roles);
    if (label !== null) {
      const key = joinLabels(label);
      const entry = this.distribution.get(key) ?? perSplit();
      entry[row.split]++;
      this.distribution.set(key, entry);
    }
    for (const [key, r] of Object.entries(row.resolutions)) {
      let a = this.agreementSums.get(key);
      if (!a) this.agreementSums.set(key, (a = { sum: 0, figures: { items: 0, withAgreement: 0, mean: null, min: null, max: null, resolved: 0, unresolved: 0 } }));
      a.figures.items++;
      a.figures[r.status]++;
      if (typeof r.agreement === "number") {
        a.figures.withAgreement++;
        a.sum += r.agreement;
        a.figures.min = a.figures.min === null ? r.agreement : Math.min(a.figures.min, r.agreement);
        a.figures.max = a.figures.max === null ? r.agreement : Math.max(a.figures.max, r.agreement);
      }
    }
    return records;
  }

  addAnnotation(split: Split, reviewer: string) {
    this.counts.annotations[split]++;
    this.counts.formats["annotations-jsonl"].rows[split]++;
    this.reviewers.add(reviewer);
  }

  stats(): SnapshotStats {
    const round = (x: number) => Math.round(x * 10_000) / 10_000;
    const agreement = [...this.agreementSums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([question, { sum, figures }]) => ({
        question,
        ...figures,
        mean: figures.withAgreement ? round(sum / figures.withAgreement) : null,
        min: figures.min === null ? null : round(figures.min),
        max: figures.max === null ? null : round(figures.max),
      }));
    const labels = [...this.distribution.keys()].sort();
    return {
      label: this.roles.label ? { question: this.roles.label.key, multiple: this.roles.label.multiple, distribution: labels.map((label) => ({ label, ...this.distribution.get(label)! })) } : null,
      agreement,
      reviewers: this.reviewers.size,
    };
  }
}

export const sumSplits = (counts: PerSplit, split?: Split) => (split ? counts[split] : splits.reduce((n, s) => n + counts[s], 0));
