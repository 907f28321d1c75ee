import { describe, expect, it } from "vitest";
import { checkPrompt, renderPrompt, RenderError, type PromptItem } from "./render";

const textItem: PromptItem = {
  input: { type: "text", text: "What is the capital of France?" },
  outputs: [{ text: "Paris.", model: "m1" }, { text: "Lyon.", model: "m2" }],
  reference: "Paris",
  metadata: { lang: "en", customer: { tier: "gold" }, tokens: 12 },
};
const chatItem: PromptItem = {
  input: { type: "messages", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] },
  outputs: [],
  reference: null,
  metadata: {},
};

describe("prompt templates", () => {
  it("fills input, outputs in the order shown, reference and metadata fields", () => {
    const messages = renderPrompt(
      { system: "Judge in {{metadata.lang}} for a {{metadata.customer.tier}} customer.", user: "Q: {{input}}\n{{outputs}}\nRef: {{reference}} ({{metadata.tokens}} tokens)" },
      textItem,
      { shown: [1, 0] },
    );
    expect(messages).toEqual([
      { role: "system", content: "Judge in en for a gold customer." },
      { role: "user", content: "Q: What is the capital of France?\nResponse A:\nLyon.\n\nResponse B:\nParis.\nRef: Paris (12 tokens)" },
    ]);
    expect(renderPrompt({ system: "", user: "{{ output_a }} vs {{output_b}}" }, textItem)).toEqual([{ role: "user", content: "Paris. vs Lyon." }]);
  });

  it("a chat input stays messages when the user message is just {{input}}, after the system prompt", () => {
    expect(renderPrompt({ system: "You are helpful.", user: "{{input}}" }, chatItem)).toEqual([
      { role: "system", content: "You are helpful." },
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
    expect(renderPrompt({ system: "", user: "Transcript:\n{{input}}" }, chatItem)).toEqual([{ role: "user", content: "Transcript:\nsystem: Be brief.\n\nuser: Hi" }]);
  });

  it("a variable the item cannot fill is an error naming it, never an empty string", () => {
    expect(() => renderPrompt({ system: "", user: "{{output}}" }, chatItem)).toThrow(new RenderError("The item has no output for {{output}}."));
    expect(() => renderPrompt({ system: "", user: "{{reference}}" }, chatItem)).toThrow("The item has no reference for {{reference}}.");
    expect(() => renderPrompt({ system: "", user: "{{metadata.region}}" }, textItem)).toThrow("The item has no metadata field region for {{metadata.region}}.");
    expect(() => renderPrompt({ system: "", user: "{{output_b}}" }, { ...textItem, outputs: [{ text: "only" }] })).toThrow("The item has no Response B for {{output_b}}.");
  });

  it("unknown variables are refused when the prompt is saved, naming the field", () => {
    expect(checkPrompt({ system: "{{persona}}", user: "{{input}} {{metadata.x}} {{outptu}}" })).toEqual([
      { field: "system", message: "Unknown variable {{persona}}: use {{input}}, {{output}}, {{outputs}}, {{output_a}}, {{output_b}}, {{reference}} or {{metadata.<field>}}." },
      { field: "user", message: "Unknown variable {{outptu}}: use {{input}}, {{output}}, {{outputs}}, {{output_a}}, {{output_b}}, {{reference}} or {{metadata.<field>}}." },
    ]);
  });
});
