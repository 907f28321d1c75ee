import type { ImportCounts } from "./schemas";

/** An import as the project page shows it (see queries.server.ts). */
export type ImportView = ImportCounts & {
  id: string;
  origin: string;
  fileName: string | null;
  state: "queued" | "running" | "succeeded" | "failed";
  message: string | null;
  totalBytes: number | null;
  bytesRead: number;
  lastLine: number;
  mode: string | null;
  by: string | null;
  createdAt: string;
  elapsedSeconds: number;
};

export type Figures = { share?: number; rowsPerSecond: number; secondsLeft?: number };

/** How far an import is (by bytes, when the total is known), how fast it goes, and how long is left. */
export function progressFigures(p: { bytesRead: number; totalBytes?: number | null; received: number; elapsedSeconds: number }): Figures {
  const share = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : undefined;
  const rowsPerSecond = p.elapsedSeconds > 0 ? p.received / p.elapsedSeconds : 0;
  const secondsLeft = share && share > 0 && share < 1 ? (p.elapsedSeconds / share) * (1 - share) : undefined;
  return { share, rowsPerSecond, secondsLeft };
}

/** 75 → "1:15" */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** "805 received: 805 inserted, 0 duplicates, 2 rejected" — only the counts that say something. */
export function summaryText(c: ImportCounts): string {
  const parts: string[] = [];
  if (c.inserted || c.matched === 0) parts.push(`${c.inserted.toLocaleString("en")} inserted`);
  if (c.matched) parts.push(`${c.matched.toLocaleString("en")} matched (${c.outputsAdded.toLocaleString("en")} outputs added)`);
  if (c.duplicates) parts.push(`${c.duplicates.toLocaleString("en")} already there`);
  if (c.unmatched) parts.push(`${c.unmatched.toLocaleString("en")} not matched`);
  parts.push(`${c.rejected.toLocaleString("en")} rejected`);
  return `${c.received.toLocaleString("en")} received: ${parts.join(", ")}`;
}
