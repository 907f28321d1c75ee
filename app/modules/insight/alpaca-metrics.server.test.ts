import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { levenshtein } from "~/modules/scorers/levenshtein";
import { meanInterval, summarize } from "~/modules/stats/mean";
import { positionBias } from "~/modules/stats/pairwise";
import { wilsonInterval } from "~/modules/stats/proportion";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { sharedData } from "~test/support/shared-data";
import { computeMetrics } from "./compute-metrics.server";
import { metricsQuerySchema } from "./schemas";

const files = sharedData("alpaca_eval/Meta-Llama-3-8B-Instruct.json", "alpaca_eval/Mistral-7B-Instruct-v0.2.json");
const N = 120;
type Row = { instruction: string; output: string; generator: string };
const length = (s: string) => [...s].length;

describe.skipIf(!files)("metrics on real AlpacaEval answers (../shared/data)", () => {
  it("pairwise win share, position bias and the edit distance of corrections match the stats module on the same real texts", async () => {
    const [llama, mistral] = files!.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as Row[]);
    const byInstruction = new Map(mistral!.map((r) => [r.instruction, r]));
    const pairs = llama!.slice(0, N).map((l) => ({ l, m: byInstruction.get(l.instruction)! }));
    expect(pairs.every((p) => p.m)).toBe(true);

    const manager = await makeUser();
    const [a, b] = [await makeUser({ name: "Rater A" }), await makeUser({ name: "Rater B" })];
    const p = await createProject(db, manager.actor, { name: `Alpaca metrics ${randomUUID().slice(0, 8)}` });
    await saveTemplate(db, manager.actor, p.id, {
      questions: [
        { key: "pick", kind: "pairwise", text: "Which answer is better?" },
        { key: "fix", kind: "correction", text: "Correct the first answer" },
      ],
    } as Parameters<typeof saveTemplate>[3]);
    await updateProjectSettings(db, manager.actor, p.id, { overlap: 2 });
    for (const u of [a, b]) await addMember(db, manager.actor, p.id, { email: u.email, role: "reviewer" });
    const { ids } = await addItems(
      db,
      manager.actor,
      p.id,
      pairs.map(({ l, m }) => ({ input: l.instruction, outputs: [{ text: l.output, model: l.generator }, { text: m.output, model: m.generator }] })),
    );

    // A rule a reviewer might follow (length bias): the longer answer wins, equal lengths tie.
    // A sees Llama on the left, B sees Mistral on the left; A also cuts each Llama answer in half.
    let llamaLonger = 0;
    let mistralLonger = 0;
    const distances: number[] = [];
    for (const [i, { l, m }] of pairs.entries()) {
      const winner = length(l.output) > length(m.output) ? 0 : length(l.output) < length(m.output) ? 1 : "tie";
      if (winner === 0) llamaLonger++;
      if (winner === 1) mistralLonger++;
      const cut = [...l.output].slice(0, Math.floor(length(l.output) / 2)).join("");
      const fix = cut !== l.output ? { fix: { text: cut } } : {};
      if (cut !== l.output) distances.push(levenshtein(l.output, cut).value!);
      await submitAnnotation(db, a.actor, { itemId: ids[i]!, values: { pick: { winner, shown: [0, 1] }, ...fix }, idempotencyKey: randomUUID() });
      await submitAnnotation(db, b.actor, { itemId: ids[i]!, values: { pick: { winner, shown: [1, 0] } }, idempotencyKey: randomUUID() });
    }
    const ties = N - llamaLonger - mistralLonger;

    const report = await computeMetrics(db, manager.actor, p.id, metricsQuerySchema.parse({}));
    const [h2h] = report.pairwise[0]!.headToHead;
    expect(h2h).toMatchObject({ a: "Meta-Llama-3-8B-Instruct", b: "Mistral-7B-Instruct-v0.2", n: 2 * N });
    expect(h2h!.aWins).toEqual(wilsonInterval(2 * llamaLonger, 2 * N));
    expect(h2h!.bWins).toEqual(wilsonInterval(2 * mistralLonger, 2 * N));
    expect(report.pairwise[0]!.leaderboard).toEqual({ value: null, reason: "Two models: the head-to-head table says all a ranking would." });
    // The longer answer is left for A when Llama's is longer and for B when Mistral's is: left = right.
    expect(report.pairwise[0]!.positionBias.overall).toEqual(positionBias({ left: llamaLonger + mistralLonger, right: llamaLonger + mistralLonger, ties: 2 * ties }));

    const llamaGroup = report.groups.find((g) => g.group === "Meta-Llama-3-8B-Instruct")!;
    expect(llamaGroup).toMatchObject({ items: N, answers: 2 * N });
    expect(llamaGroup.figures["corrected:fix"]!.value).toBeCloseTo(distances.length / (2 * N), 12);
    const edit = llamaGroup.figures["edit:fix"]!;
    const expected = meanInterval(summarize(distances));
    expect(edit.n).toBe(distances.length);
    expect(edit.value).toBeCloseTo(expected.value!, 12);
    expect(edit.interval!.low).toBeCloseTo(expected.interval!.low, 12);
    expect(edit.interval!.high).toBeCloseTo(expected.interval!.high, 12);
  }, 120_000);
});
