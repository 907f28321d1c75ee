import { describe, expect, it } from "vitest";
import { classifierTextHint, parseBuilderForm, suggestedFormat } from "./builder-form";

const counted = (matched: number, withoutOutput: number) => ({ exact: true as const, matched, withoutOutput, dedupRemoved: 0, capRemoved: 0, train: matched, validation: 0, test: 0 });

describe("the builder's classifier text", () => {
  it("defaults to the output, or the prompt for items without one", () => {
    expect(parseBuilderForm(new URLSearchParams("name=x")).options.textFrom).toBe("auto");
    expect(parseBuilderForm(new URLSearchParams("textFrom=input")).options.textFrom).toBe("input");
  });

  it("says which text the classification rows take, for the items the filter matches", () => {
    expect(classifierTextHint(undefined, counted(10_003, 10_003))).toBe("Classification rows take each item's prompt: none of the 10,003 matching items has an output.");
    expect(classifierTextHint("auto", counted(50, 0))).toBe("Classification rows take each item's first output (all 50 matching items have one).");
    expect(classifierTextHint("auto", counted(50, 20))).toBe("Classification rows take each item's first output; the 20 of 50 matching items without one use their prompt.");
    expect(classifierTextHint("auto", { exact: false, estimate: 2_000_000 })).toBe("Classification rows take each item's first output, or its prompt when it has no output.");
    expect(classifierTextHint("output", counted(50, 20))).toBe("Classification rows take each item's first output. 20 of the 50 matching items have none and will be left out.");
    expect(classifierTextHint("input", counted(50, 20))).toBe("Classification rows take each item's prompt.");
  });
});

describe("the builder's machine labels", () => {
  it("leaves them out unless asked, and takes include or only as sent", () => {
    expect(parseBuilderForm(new URLSearchParams("name=x")).filter.machineLabels).toBeUndefined();
    expect(parseBuilderForm(new URLSearchParams("machineLabels=exclude")).filter.machineLabels).toBeUndefined();
    expect(parseBuilderForm(new URLSearchParams("machineLabels=include")).filter.machineLabels).toBe("include");
    expect(parseBuilderForm(new URLSearchParams("machineLabels=only")).filter.machineLabels).toBe("only");
    expect(parseBuilderForm(new URLSearchParams("name=x")).filter.gold).toBeUndefined();
    expect(parseBuilderForm(new URLSearchParams("gold=on")).filter.gold).toBe("include");
  });
});

describe("the format a builder previews first", () => {
  it("is the one the template is made for, unless the form names one", () => {
    expect(suggestedFormat([{ kind: "rating" }, { kind: "pairwise" }])).toBe("openai-preference");
    expect(suggestedFormat([{ kind: "choice" }])).toBe("classification-csv");
    expect(suggestedFormat([{ kind: "choice", multiple: true }, { kind: "correction" }])).toBe("openai-chat");
    expect(suggestedFormat([])).toBe("openai-chat");
    expect(parseBuilderForm(new URLSearchParams("name=x")).format).toBeUndefined();
    expect(parseBuilderForm(new URLSearchParams("format=dpo")).format).toBe("dpo");
    expect(parseBuilderForm(new URLSearchParams("format=annotations-jsonl")).format).toBeUndefined();
  });
});
