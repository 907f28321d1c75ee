/**
 * MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), seeded by `init_genrand` as
 * in the authors' mt19937ar.c. It is the generator behind numpy's legacy `RandomState(seed)`, so a
 * fixture script can replay exactly the draws a test makes; doubles are `genrand_res53`, the same
 * 53-bit construction numpy's `random_sample()` uses. Reproducible bit for bit on every platform:
 * only 32-bit integer arithmetic (Math.imul, >>>) and one exact double division.
 */
const N = 624;
const M = 397;

export class MersenneTwister {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`A seed must be a whole number from 0 to 4294967295; got ${seed}.`);
    this.state[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1]! ^ (this.state[i - 1]! >>> 30);
      this.state[i] = Math.imul(1812433253, prev) + i;
    }
  }

  /** The next 32-bit output, as a number in [0, 2³²). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (genrand_res53). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A whole number in [0, n) as ⌊u·n⌋ for u = nextDouble(): one draw per index, so a replay in
   * numpy is `(rs.random_sample(k) * n).astype(int)`. The bias is below n / 2⁵³.
   */
  nextIndex(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = (s[k]! & 0x80000000) | (s[(k + 1) % N]! & 0x7fffffff);
      s[k] = s[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}
