import fs from "node:fs";
import path from "node:path";
import { ciIsOn, SHARED_DATA } from "~test/support/shared-data";
import { sample, seededRandom } from "./random";

export type CorpusRecord = { instruction: string; output: string; model: string; dataset: string };
export type Corpus = { source: string; records: CorpusRecord[] };

const ALPACA_DIR = path.join(SHARED_DATA, "alpaca_eval");

/**
 * A seeded sample of real prompts and answers (AlpacaEval, ../shared/data) that generators
 * repeat with perturbation. Without the data folder it falls back to generated text, loudly;
 * in CI (CI=1 or true) a missing folder is an error, so published figures always come from real text.
 */
export function loadCorpus(options: { seed: number; size: number; log: (line: string) => void }): Corpus {
  const random = seededRandom(options.seed);
  const files = fs.existsSync(ALPACA_DIR) ? fs.readdirSync(ALPACA_DIR).filter((f) => f.endsWith(".json")).sort() : [];
  if (files.length === 0) {
    const notice = `NOTICE: ${ALPACA_DIR} is missing; using generated text instead of AlpacaEval prompts and answers.`;
    if (ciIsOn()) throw new Error(notice.replace("NOTICE: ", ""));
    options.log(`\n*** ${notice} ***\n`);
    return { source: "generated text (AlpacaEval data not found)", records: generatedRecords(options.size, random) };
  }
  const all: CorpusRecord[] = files.flatMap((file) =>
    (JSON.parse(fs.readFileSync(path.join(ALPACA_DIR, file), "utf8")) as { instruction: string; output: string; generator: string; dataset: string }[])
      .filter((r) => r.instruction && r.output)
      .map((r) => ({ instruction: r.instruction, output: r.output, model: r.generator, dataset: r.dataset })),
  );
  return { source: `AlpacaEval (${files.join(", ")}), ${Math.min(options.size, all.length)} of ${all.length} records, seed ${options.seed}`, records: sample(all, options.size, random) };
}

const WORDS =
  "the model answer question review output prompt data reviewer quality correct wrong because however example summary detail step first then finally result value user system policy source claim evidence".split(
    " ",
  );

function generatedRecords(size: number, random: () => number): CorpusRecord[] {
  const sentence = (words: number) => {
    const text = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => sentence(6 + Math.floor(random() * 12))).join(" ");
  return Array.from({ length: size }, (_, i) => ({
    instruction: `${sentence(8 + Math.floor(random() * 10)).replace(/\.$/, "?")}`,
    output: paragraph(8 + Math.floor(random() * 10)),
    model: i % 2 ? "generated-a" : "generated-b",
    dataset: "generated",
  }));
}
