export type Summary = { count: number; mean: number; p50: number; p95: number; p99: number; max: number };

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Latency summary in milliseconds (nearest-rank percentiles), rounded to 0.01 ms. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : 0),
    p50: round(rank(50)),
    p95: round(rank(95)),
    p99: round(rank(99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
  };
}

/** Collects latencies by operation name while a benchmark runs. */
export class Recorder {
  readonly samples = new Map<string, number[]>();

  add(operation: string, ms: number) {
    let list = this.samples.get(operation);
    if (!list) this.samples.set(operation, (list = []));
    list.push(ms);
  }

  summary(operation: string): Summary {
    return summarize(this.samples.get(operation) ?? []);
  }
}
