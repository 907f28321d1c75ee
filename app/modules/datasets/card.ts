import { splits, type Split } from "./formats/frozen";
import { CONTENT_HASH_VERSION, contentHashCovers } from "./content-hash";
import { formatLabels, textSourceLabels, type ExportFormat, type TextSource } from "./schemas";
import { sumSplits, type SnapshotCounts, type SnapshotStats } from "./snapshot-tally";

/** A snapshot as the card and the exports read it. */
export type DatasetRecord = {
  id: string;
  projectId: string;
  projectName: string;
  name: string;
  version: number;
  filter: Record<string, unknown>;
  options: Record<string, unknown>;
  /** The export it was made for (its page opens on it); null when not said. */
  format?: ExportFormat | null;
  template: { version: number; questions: { key: string; kind: string; text?: string }[] };
  counts: SnapshotCounts;
  stats: SnapshotStats;
  contentHash: string;
  contentHashVersion: number;
  createdByName: string;
  createdAt: string;
};

export type DatasetCard = ReturnType<typeof buildCard>;

const classificationFormats = new Set<ExportFormat>(["classification-csv", "classification-jsonl", "parquet"]);

/**
 * The dataset card of one export (a format, and a split or all): what is in the file and why,
 * from the figures frozen with the snapshot — so it is known before the first byte is sent and
 * is the same every time.
 */
export function buildCard(d: DatasetRecord, format: ExportFormat, split?: Split) {
  const tally = d.counts.formats[format];
  const rows = sumSplits(tally.rows, split);
  const skipped = Object.entries(tally.skipped)
    .map(([reason, n]) => ({ reason, rows: sumSplits(n, split) }))
    .filter((s) => s.rows > 0)
    .sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : 1));
  const invalidCount = sumSplits(tally.invalid.count, split);
  const listed = tally.invalid.rows.filter((r) => !split || r.split === split);
  const kinds = new Map(d.template.questions.map((q) => [q.key, q.kind]));
  const items = sumSplits(d.counts.items, split);
  const notes: string[] = [];
  if (rows === 0) {
    notes.push(
      items === 0
        ? `This export has no rows: the snapshot holds no items${split ? ` in the ${split} split` : ""} (${d.counts.matched} matched the filter).`
        : `This export has no rows: none of the ${items} items fits the ${format} format (see skipped and invalid).`,
    );
  }
  return {
    card: 1 as const,
    dataset: {
      id: d.id,
      name: d.name,
      version: d.version,
      project: d.projectName,
      contentHash: d.contentHash,
      contentHashCovers: contentHashCovers[d.contentHashVersion] ?? contentHashCovers[CONTENT_HASH_VERSION]!,
      createdBy: d.createdByName,
      createdAt: d.createdAt,
    },
    export: {
      format,
      split: split ?? "all",
      rows,
      empty: rows === 0,
      skipped,
      invalid: { count: invalidCount, listed, truncated: listed.length < invalidCount },
      /** For the classification formats: which text of an item the rows take (options.textFrom). */
      text: classificationFormats.has(format) ? textSourceLabels[(d.options.textFrom as TextSource | undefined) ?? "output"] : null,
    },
    items: { matched: d.counts.matched, dedupRemoved: d.counts.dedupRemoved, capRemoved: d.counts.capRemoved, total: sumSplits(d.counts.items), ...d.counts.items },
    annotations: { total: sumSplits(d.counts.annotations), ...d.counts.annotations },
    reviewers: d.stats.reviewers,
    labels: d.stats.label
      ? {
          question: d.stats.label.question,
          multiple: d.stats.label.multiple,
          distribution: d.stats.label.distribution.map((l) => ({ ...l, total: sumSplits(l) })),
        }
      : null,
    agreement: d.stats.agreement.map((a) => ({ ...a, kind: kinds.get(a.question) ?? "unknown" })),
    redactions: { enabled: d.options.redactPii === true, ...d.counts.redactions },
    filter: d.filter,
    options: d.options,
    notes,
  };
}

const cell = (value: unknown) => String(value ?? "—").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
const table = (header: string[], rows: unknown[][]) =>
  [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);

/** The card as markdown (plain tables, no HTML), for a README next to the data. */
export function cardMarkdown(card: DatasetCard): string {
  const { dataset: d, export: e } = card;
  const parts: string[] = [
    `# ${cell(d.name)} — version ${d.version}`,
    `${cell(formatLabels[e.format])}, ${e.split === "all" ? "all splits" : `${e.split} split`}: **${e.rows} rows**.${e.text ? ` Text: ${cell(e.text).toLowerCase()}.` : ""}`,
    ...card.notes.map((n) => `> ${cell(n)}`),
    table(["", ""], [
      ["Project", d.project],
      ["Made by", d.createdBy],
      ["Made at", d.createdAt],
      ["Content hash (SHA-256)", `\`${d.contentHash}\``],
      ["Reviewers", card.reviewers],
      ["Annotations", card.annotations.total],
    ]),
    `The content hash: ${cell(d.contentHashCovers)}`,
    "## Items",
    table(["matched the filter", "removed as duplicates", "removed by the class cap", "in the snapshot", ...splits], [
      [card.items.matched, card.items.dedupRemoved, card.items.capRemoved, card.items.total, ...splits.map((s) => card.items[s])],
    ]),
  ];
  if (e.skipped.length) parts.push("## Left out of this format", table(["reason", "items"], e.skipped.map((s) => [s.reason, s.rows])));
  if (e.invalid.count) {
    parts.push(
      "## Rows the format cannot take, and why (not written)",
      `${e.invalid.count} rows${e.invalid.truncated ? ` (the first ${e.invalid.listed.length} listed)` : ""}:`,
      table(["item", "split", "problem"], e.invalid.listed.map((r) => [r.itemId, r.split, r.reason])),
    );
  }
  if (card.labels) {
    parts.push(
      `## Labels (question \`${cell(card.labels.question)}\`)`,
      table(["label", ...splits, "total"], card.labels.distribution.map((l) => [l.label, ...splits.map((s) => l[s]), l.total])),
    );
  }
  if (card.agreement.length) {
    parts.push(
      "## Agreement",
      table(["question", "kind", "items", "resolved", "with agreement", "mean", "min", "max"], card.agreement.map((a) => [a.question, a.kind, a.items, a.resolved, a.withAgreement, pct(a.mean), pct(a.min), pct(a.max)])),
    );
  }
  const r = card.redactions;
  parts.push("## PII redaction", r.enabled ? table(["emails", "phone numbers", "card numbers", "IBANs", "IP addresses"], [[r.email, r.phone, r.card, r.iban, r.ip]]) : "Off.");
  parts.push("## Filter", "```json", JSON.stringify(card.filter, null, 2), "```", "## Options", "```json", JSON.stringify(card.options, null, 2), "```");
  return `${parts.join("\n\n")}\n`;
}
