/** Seeded randomness for training and evaluation: the same seed gives the same model and the same split. */

/** mulberry32: a 32-bit state generator, uniform in [0, 1); plenty for shuffling a few million rows. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Fisher–Yates, in place. */
export function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** The indices of each label's examples, labels in sorted order, each list shuffled. */
export function indicesByLabel(labels: readonly string[], random: () => number): number[][] {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => (groups.get(label) ?? groups.set(label, []).get(label)!).push(i));
  return [...groups.keys()].sort().map((label) => shuffle(groups.get(label)!, random));
}

/**
 * A stratified sample of `share` of the indices: each label contributes round(share · its count),
 * and at least one while it has any, so a small sample still sees every class.
 */
export function stratifiedSample(groups: readonly number[][], share: number): number[] {
  return groups.flatMap((group) => group.slice(0, Math.max(1, Math.round(share * group.length)))).sort((a, b) => a - b);
}
