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
