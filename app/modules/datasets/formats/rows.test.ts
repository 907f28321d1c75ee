import { describe, expect, it } from "vitest";
import type { FrozenRow, Roles } from "./frozen";
import { outcomesFor } from "./rows";

const roles: Roles = { label: null, approval: null, correction: null, pairwise: "better", textFrom: "input", preferenceFromCorrections: false };
const row = (winner: unknown): FrozenRow => ({
  position: 0,
  itemId: 7,
  externalId: null,
  split: "train",
  input: { type: "text", text: "Which greeting?" },
  outputs: [{ text: "Hello" }, { text: "Hi" }],
  resolutions: { better: { status: "resolved", value: { winner }, method: "adjudicated", agreement: null, annotations: 2 } } as unknown as FrozenRow["resolutions"],
  label: null,
});

describe("preference rows from a pairwise resolution", () => {
  it("a winner becomes chosen/rejected", () => {
    expect(outcomesFor("dpo", row(1), roles)).toEqual([{ kind: "row", record: expect.objectContaining({ chosen: "Hi", rejected: "Hello" }) }]);
  });

  it("an adjudicated tie has no preferred output: left out with its reason, not counted as breaking the format", () => {
    expect(outcomesFor("dpo", row("tie"), roles)).toEqual([{ kind: "skip", reason: "pairwise choice resolved as a tie (no preferred output)" }]);
    expect(outcomesFor("openai-preference", row("tie"), roles)).toEqual([{ kind: "skip", reason: "pairwise choice resolved as a tie (no preferred output)" }]);
  });
});
