import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { processCpuMs } from "./cpu";
import { round } from "./stats";

export type StreamRun = { rows: number; bytes: number; seconds: number; rowsPerSecond: number; mbPerSecond: number; peakRssMb: number; rssGrowthMb: number; nodeCpuMs: number };

/** A sink that counts bytes and lines and throws them away, at the speed it is fed. */
class Counter extends Writable {
  bytes = 0;
  lines = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) {
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    done();
  }
}

/**
 * Streams `open()` into a counting sink and measures it: wall time, rows (lines, or `rows` when
 * the format is not line-based), throughput, this process's CPU and its resident memory, sampled
 * every 25 ms (peak, and growth over the RSS at the start).
 */
export async function measureStream(open: () => Promise<Readable>, rows?: number): Promise<StreamRun> {
  const sink = new Counter();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const cpu = processCpuMs();
  const started = performance.now();
  try {
    await pipeline(await open(), sink);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  const counted = rows ?? sink.lines;
  return {
    rows: counted,
    bytes: sink.bytes,
    seconds: round(seconds),
    rowsPerSecond: Math.round(counted / seconds),
    mbPerSecond: round(sink.bytes / 2 ** 20 / seconds),
    peakRssMb: Math.round(peak / 2 ** 20),
    rssGrowthMb: Math.round((peak - startRss) / 2 ** 20),
    nodeCpuMs: Math.round(processCpuMs() - cpu),
  };
}
