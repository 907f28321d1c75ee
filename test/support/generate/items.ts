import { createHash } from "node:crypto";
import type postgres from "postgres";
import type { Corpus } from "./corpus";
import { seededRandom } from "./random";

export type GenerateOptions = {
  projectId: string;
  count: number;
  seed: number;
  corpus: Corpus;
  /** Text variants made from each corpus record (prompts and answers each). */
  variantsPerRecord?: number;
  /** Parallel connections; PostgreSQL spends the time in heap, index and WAL writes, one core each. */
  connections?: number;
  /** Rows per INSERT statement (and per progress report). */
  chunk?: number;
  onProgress?: (done: number) => void;
  /** Give items random queue keys, as the app does in random-order projects. */
  randomKeys?: boolean;
};

type Variant = { n: number; input: string; outputs: string; hash: string; model: string; dataset: string };

/**
 * Inserts `count` open items with `INSERT … SELECT generate_series` (a million in well under a
 * minute, where the item verbs would take many). Each corpus record is cut into seeded prompt
 * and answer variants of 300–600 characters; row n pairs a prompt with an answer chosen by a
 * hash of n and the seed, so the same seed gives the same rows. External ids are `bench-<n>`.
 */
export async function generateItems(sql: postgres.Sql, options: GenerateOptions): Promise<void> {
  const { projectId, count, seed } = options;
  const chunk = options.chunk ?? 50_000;
  const variants = makeVariants(options.corpus, options.variantsPerRecord ?? 4, seed);
  const ranges: [number, number][] = [];
  for (let from = 1; from <= count; from += chunk) ranges.push([from, Math.min(count, from + chunk - 1)]);
  let done = 0;
  const connection = async () => {
    const conn = await sql.reserve();
    try {
      // why: a benchmark fixture, not user data: a crash loses nothing worth an fsync per chunk.
      await conn`set synchronous_commit = off`;
      await conn`create temp table bench_variants (n int primary key, input jsonb, outputs jsonb, hash text, model text, dataset text)`;
      await conn`insert into bench_variants
                 select n, input::jsonb, outputs::jsonb, hash, model, dataset
                 from jsonb_to_recordset(${JSON.stringify(variants)}::text::jsonb)
                   as r(n int, input text, outputs text, hash text, model text, dataset text)`;
      await conn`analyze bench_variants`;
      for (let range = ranges.shift(); range; range = ranges.shift()) {
        await conn`
          insert into items (project_id, external_id, input_key, outputs_key, input, outputs, metadata, source, random_key)
          select ${projectId}, 'bench-' || g, loupe_key(${projectId.toLowerCase()}, p.input::text), loupe_key(a.outputs::text), p.input, a.outputs,
                 jsonb_build_object('model', a.model, 'dataset', a.dataset, 'latencyMs', 150 + h.h2 % 4000), 'bench',
                 case when ${options.randomKeys ?? false} then (h.h3 % 2147483647)::int end
          from generate_series(${range[0]}::bigint, ${range[1]}::bigint) g
          cross join lateral (
            select (g * 2654435761 + ${seed}) % 4294967291 as h1,
                   (g * 2246822519 + ${seed} * 3 + 1) % 4294967291 as h2,
                   (g * 3266489917 + ${seed} * 5 + 2) % 4294967291 as h3
          ) h
          join bench_variants p on p.n = h.h1 % ${variants.length}
          join bench_variants a on a.n = h.h2 % ${variants.length}`;
        done += range[1] - range[0] + 1;
        options.onProgress?.(done);
      }
      await conn`drop table bench_variants`;
      await conn`reset synchronous_commit`;
    } finally {
      conn.release();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.connections ?? 2) }, connection));
}

/** Prompt n: a record's instruction plus background, cut; answer n: a record's answer from an offset, cut. */
function makeVariants(corpus: Corpus, perRecord: number, seed: number): Variant[] {
  const random = seededRandom(seed);
  const records = corpus.records;
  const pick = () => records[Math.floor(random() * records.length)]!;
  // why: cut by code points, so no emoji is split into a lone surrogate PostgreSQL would refuse.
  const cut = (text: string, from: number, length: number) => Array.from(text.replaceAll("\u0000", "")).slice(from, from + length).join("");
  const variants: Variant[] = [];
  for (let k = 0; k < perRecord; k++) {
    for (const record of records) {
      const other = pick();
      let prompt = `${record.instruction}\n\nUse this as background:\n${other.output}`;
      while (prompt.length < 700) prompt += `\n${pick().output}`;
      let answer = record.output;
      while (answer.length < 760) answer += `\n\n${pick().output}`;
      const input = JSON.stringify({ type: "text", text: cut(prompt, 0, 300 + Math.floor(random() * 301)) });
      const outputs = JSON.stringify([{ text: cut(answer, Math.floor(random() * 60), 300 + Math.floor(random() * 301)), model: record.model }]);
      const hash = createHash("sha256").update(`${input}${outputs}`).digest("hex");
      variants.push({ n: variants.length, input, outputs, hash, model: record.model, dataset: record.dataset });
    }
  }
  return variants;
}
