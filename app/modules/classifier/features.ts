/**
 * Text → sparse feature vector: word 1–2-grams and character n-grams inside word boundaries
 * (sklearn's `char_wb`), hashed into `2^bits` buckets, sublinear tf (1 + ln tf) times the
 * buckets' idf, rows l2-normalised. Hashing keeps no vocabulary, so a model's size is fixed by
 * `bits` and featurising a text is one pass over its characters.
 */

/** Only this much of a text is read: a pasted book costs what its first pages cost. */
export const MAX_TEXT_CHARS = 10_000;

export type FeatureParams = {
  /** log2 of the number of hash buckets. */
  hashBits: number;
  /** Word n-gram lengths, inclusive; [1, 2] is unigrams and bigrams, [0, 0] none. */
  wordNgrams: [number, number];
  /** Character n-gram lengths inside words padded with a space each side; [0, 0] none. */
  charNgrams: [number, number];
};

/** A sparse row: bucket indices (ascending, distinct) and their values. */
export type SparseVector = { indices: Int32Array; values: Float32Array };

const WORD = /[\p{L}\p{N}]+/gu;
// why: word and character n-grams of the same letters ("a" the word, "a" the character) must
// not share a bucket by construction; each kind starts from its own seed.
const WORD_SEED = 0x811c9dc5;
const CHAR_SEED = 0x01000193;

/** The lower-cased words of a text (letters and digits), from its first MAX_TEXT_CHARS characters. */
export function words(text: string): string[] {
  return text.slice(0, MAX_TEXT_CHARS).toLowerCase().match(WORD) ?? [];
}

/** FNV-1a over UTF-16 code units, continuing from `hash`. */
function fnv(hash: number, s: string, from: number, to: number): number {
  let h = hash;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3's finaliser: FNV's low bits are poor on short keys, and the bucket is the low bits. */
function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The raw term counts of a text, as a sparse row of counts. Word n-grams hash their words' hashes
 * joined in order, so "card arrived" and "arrived card" differ.
 */
export function termCounts(text: string, params: FeatureParams): SparseVector {
  const mask = (1 << params.hashBits) - 1;
  const counts = new Map<number, number>();
  const add = (h: number) => {
    const bucket = mix(h) & mask;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  };
  const tokens = words(text);
  const [wordMin, wordMax] = params.wordNgrams;
  const wordHashes = tokens.map((w) => fnv(WORD_SEED, w, 0, w.length));
  if (wordMax > 0) {
    for (let i = 0; i < wordHashes.length; i++) {
      let h = WORD_SEED;
      for (let n = 1; n <= wordMax && i + n <= wordHashes.length; n++) {
        h = Math.imul(h ^ wordHashes[i + n - 1]!, 0x01000193) >>> 0;
        // why: the length is part of the key, a namespace per n as WORD_SEED and CHAR_SEED are per kind.
        if (n >= wordMin) add(h + n);
      }
    }
  }
  const [charMin, charMax] = params.charNgrams;
  if (charMax > 0) {
    for (const word of tokens) {
      const padded = ` ${word} `;
      for (let n = charMin; n <= charMax; n++) {
        // why: sklearn's char_wb keeps a padded word shorter than n as one n-gram, not none.
        if (padded.length < n) {
          if (n === charMin) add(fnv(CHAR_SEED, padded, 0, padded.length));
          continue;
        }
        for (let i = 0; i + n <= padded.length; i++) add(fnv(CHAR_SEED, padded, i, i + n));
      }
    }
  }
  // why: a training set's rows are all alive at once; typed arrays take a tenth of a Map's memory.
  const indices = Int32Array.from(counts.keys()).sort();
  return { indices, values: Float32Array.from(indices, (bucket) => counts.get(bucket)!) };
}

/**
 * Inverse document frequency of every bucket over a set of texts' counts, smoothed as sklearn's
 * (ln((1 + n) / (1 + df)) + 1), so an unseen bucket weighs most and none weighs zero.
 */
export function inverseDocumentFrequency(documents: SparseVector[], hashBits: number): Float32Array {
  const df = new Uint32Array(1 << hashBits);
  for (const doc of documents) for (const bucket of doc.indices) df[bucket]!++;
  const idf = new Float32Array(df.length);
  const n = documents.length;
  for (let i = 0; i < df.length; i++) idf[i] = Math.log((1 + n) / (1 + df[i]!)) + 1;
  return idf;
}

/**
 * Counts → the model's input, in place: (1 + ln tf) · idf, l2-normalised; an empty text is the
 * zero vector.
 */
export function weighTerms(counts: SparseVector, idf: Float32Array): SparseVector {
  const { indices, values } = counts;
  let norm = 0;
  for (let i = 0; i < indices.length; i++) {
    const v = (1 + Math.log(values[i]!)) * idf[indices[i]!]!;
    values[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i]! *= scale;
  }
  return { indices, values };
}
