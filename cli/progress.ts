import { clock, progressFigures } from "~/modules/imports/progress";
import { formatBytes } from "~/utils/format-bytes";

export type Snapshot = { bytesRead: number; received: number };

/**
 * One line redrawn in place on a terminal: a bar by bytes, rows so far, rate and time left.
 * Written to stderr so stdout keeps only the summary; nothing is drawn when stderr is not a TTY.
 */
export function progressBar(totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let last = 0;
  const draw = (s: Snapshot, force = false) => {
    if (!stream.isTTY || (!force && Date.now() - last < 100)) return;
    last = Date.now();
    stream.write(`\r${progressLine(s, totalBytes, (Date.now() - started) / 1000, stream.columns ?? 80)}\x1b[K`);
  };
  return {
    update: (s: Snapshot) => draw(s),
    done: (s: Snapshot) => {
      draw(s, true);
      if (stream.isTTY) stream.write("\n");
    },
  };
}

/** `[########------------]  42%  12 MB / 28 MB  120,000 rows  35,210 rows/s  0:03 left` */
export function progressLine(s: Snapshot, totalBytes: number | undefined, seconds: number, columns: number): string {
  const { share, rowsPerSecond: rate, secondsLeft: left } = progressFigures({ ...s, totalBytes, elapsedSeconds: seconds });
  const facts = [
    share === undefined ? "" : `${String(Math.floor(share * 100)).padStart(3)}%`,
    totalBytes ? `${formatBytes(s.bytesRead)} / ${formatBytes(totalBytes)}` : formatBytes(s.bytesRead),
    `${s.received.toLocaleString("en")} rows`,
    `${Math.round(rate).toLocaleString("en")} rows/s`,
    left === undefined ? "" : `${clock(left)} left`,
  ].filter(Boolean);
  const text = facts.join("  ");
  const width = Math.max(10, Math.min(30, columns - text.length - 4));
  const filled = share === undefined ? 0 : Math.round(share * width);
  return share === undefined ? text : `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}`;
}

/**
 * A progress line for work counted in items (a dataset build): redrawn in place on a terminal,
 * on stderr; nothing is drawn when stderr is not a TTY.
 */
export function itemsProgress(what: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (done: number, total: number | null, force = false) => {
    if (!stream.isTTY || (!force && Date.now() - last < 100)) return;
    last = Date.now();
    drawn = true;
    stream.write(`\r${itemsLine(what, done, total, (Date.now() - started) / 1000, stream.columns ?? 80)}\x1b[K`);
  };
  return {
    update: (done: number, total: number | null) => draw(done, total),
    done: (done: number, total: number | null) => {
      draw(done, total, true);
      if (drawn) stream.write("\n");
    },
  };
}

/** `Building  [########------------]  42%  420,000 / 1,000,000 items  35,210 items/s  0:17 left` */
export function itemsLine(what: string, done: number, total: number | null, seconds: number, columns: number): string {
  if (total === null) return `${what}: choosing the items…`;
  const { share, rowsPerSecond, secondsLeft } = progressFigures({ bytesRead: done, totalBytes: total, received: done, elapsedSeconds: seconds });
  const facts = [
    share === undefined ? "" : `${String(Math.floor(share * 100)).padStart(3)}%`,
    `${done.toLocaleString("en")} / ${total.toLocaleString("en")} items`,
    `${Math.round(rowsPerSecond).toLocaleString("en")} items/s`,
    secondsLeft === undefined ? "" : `${clock(secondsLeft)} left`,
  ].filter(Boolean);
  const text = facts.join("  ");
  const width = Math.max(10, Math.min(30, columns - text.length - what.length - 6));
  const filled = share === undefined ? 0 : Math.round(share * width);
  return `${what}  [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}`;
}
