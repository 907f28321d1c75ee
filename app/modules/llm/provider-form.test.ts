import { describe, expect, it } from "vitest";
import { ValidationError } from "~/utils/errors";
import { formValuesOf, modelsToText, parseModelLines, providerFormValues, providerInputFrom, toFormIssues } from "./provider-form";

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(entries)) data.append(k, v);
  return data;
};

describe("the provider form", () => {
  it("reads models one per line with optional prices, and names each malformed line", () => {
    expect(parseModelLines("gpt-4o-mini, 0.15, 0.6\n\nllama3.1:8b\n  m2 , 1 ,  \n")).toEqual([
      { id: "gpt-4o-mini", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 },
      { id: "llama3.1:8b", inputPricePerMillion: null, outputPricePerMillion: null },
      { id: "m2", inputPricePerMillion: 1, outputPricePerMillion: null },
    ]);
    const error = (() => {
      try {
        parseModelLines("ok\nbad, cheap, 1\nx, 1, 2, 3");
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.issues).toEqual([
      { field: "models", message: 'Line 2: the input price "cheap" is not a number.' },
      { field: "models", message: 'Line 3: expected "name, input price, output price" (found 4 parts).' },
    ]);
    expect(modelsToText(parseModelLines("a, 0.15, 0.6\nb"))).toBe("a, 0.15, 0.6\nb");
  });

  it("keeps the stored key when the key field is empty, and drops blank and removed header rows", () => {
    const data = form({
      name: " Local ",
      baseUrl: "http://127.0.0.1:11434/v1",
      keySource: "stored",
      apiKeyValue: "",
      models: "llama3.1:8b",
      "headers.0.name": "X-Kept",
      "headers.0.value": "",
      "headers.1.name": "X-Gone",
      "headers.1.value": "",
      "headers.1.remove": "on",
      "headers.2.name": "",
      "headers.2.value": "",
      maxConcurrency: "4",
      enabled: "on",
    });
    const values = providerFormValues(data);
    expect(values).toMatchObject({ name: "Local", keySource: "stored", headerNames: ["X-Kept"], maxConcurrency: "4", enabled: true });
    expect(providerInputFrom(data, values)).toMatchObject({ apiKey: { source: "stored", value: undefined }, headers: [{ name: "X-Kept", value: undefined }], maxConcurrency: 4 });
    // What is shown again never includes a secret typed into the form.
    const typed = form({ keySource: "stored", apiKeyValue: "sk-typed-secret", "headers.0.name": "X", "headers.0.value": "hv-secret", models: "m", maxConcurrency: "" });
    const shown = providerFormValues(typed);
    expect(JSON.stringify(shown)).not.toMatch(/sk-typed-secret|hv-secret/);
    expect(Number.isNaN(providerInputFrom(typed, shown).maxConcurrency)).toBe(true);
    expect(formValuesOf(undefined)).toMatchObject({ keySource: "stored", maxConcurrency: "4", enabled: true });
  });

  it("puts the verbs' issues by the form's controls, models by their line", () => {
    const values = providerFormValues(form({ models: "first\n\nsecond, -1, 1", keySource: "env" }));
    const mapped = toFormIssues(
      new ValidationError("x", [
        { field: "apiKey.variable", message: "Name a variable." },
        { field: "apiKey.value", message: "Enter the key." },
        { field: "models.1.inputPricePerMillion", message: "A price cannot be negative." },
        { field: "models.0.id", message: "Too long." },
        { field: "name", message: "Enter a name." },
      ]),
      values,
    ) as ValidationError;
    expect(mapped.issues).toEqual([
      { field: "apiKeyEnv", message: "Name a variable." },
      { field: "apiKeyValue", message: "Enter the key." },
      { field: "models", message: "Line 3: A price cannot be negative. Line 1: Too long." },
      { field: "name", message: "Enter a name." },
    ]);
    const other = new Error("boom");
    expect(toFormIssues(other, values)).toBe(other);
  });
});
