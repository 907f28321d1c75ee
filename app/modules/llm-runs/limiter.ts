/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in order. Waiting stops
 * (rejects with the signal's reason) when the signal aborts.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: { resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(public limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.waiting)[number] = { resolve, reject, signal };
      waiter.onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.active <= this.limit ? this.waiting.shift() : undefined;
      if (next) {
        // why: the slot passes straight to the next waiter, so a burst of new callers cannot overtake it.
        next.signal?.removeEventListener("abort", next.onAbort!);
        next.resolve();
      } else this.active--;
    };
  }
}

const perProvider = new Map<string, Limiter>();

/**
 * This process's limiter for a provider: every run calling it shares the provider's
 * `max_concurrency` (the latest value read is the one that counts from then on).
 */
export function providerLimiter(providerId: string, limit: number): Limiter {
  let limiter = perProvider.get(providerId);
  if (!limiter) perProvider.set(providerId, (limiter = new Limiter(limit)));
  limiter.limit = limit;
  return limiter;
}
