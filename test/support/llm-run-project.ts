import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import type { ProviderInput } from "~/modules/llm/schemas";
import { createProject } from "~/modules/projects/create-project.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { stubProviderInput } from "~test/support/llm";
import type { LlmStub } from "../../scripts/llm-stub/server";

/**
 * A project ready for LLM runs: a manager, a rating question, `items` items each with one output
 * (prompt "Question n?"), a provider on the stub, and a generation and a judge prompt version.
 */
export async function llmRunProject(stub: LlmStub, options: { items?: number; provider?: Partial<ProviderInput> } = {}) {
  const admin = await makeUser({ isAdmin: true });
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `LLM runs ${randomUUID().slice(0, 8)}` });
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "quality", kind: "rating", text: "How good is the answer?", min: 1, max: 5 }] });
  const count = options.items ?? 6;
  const added = await addItems(
    db,
    manager.actor,
    project.id,
    Array.from({ length: count }, (_, i) => ({ input: `Question ${i + 1}?`, outputs: [{ text: `Answer ${i + 1}.`, model: "human" }], metadata: { segment: i % 2 ? "odd" : "even" } })),
  );
  const models = [
    { id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 },
    { id: "loupe-stub-large", inputPricePerMillion: 2.5, outputPricePerMillion: 10 },
  ];
  const provider = await createProvider(db, admin.actor, stubProviderInput(stub, { models, ...options.provider }));
  const generate = await savePromptVersion(db, manager.actor, project.id, { name: "Answer", purpose: "generate", system: "Answer briefly.", user: "{{input}}", params: { temperature: 0.2, maxTokens: 50 } });
  const judge = await savePromptVersion(db, manager.actor, project.id, { name: "Grade", purpose: "judge", user: "Question: {{input}}\nAnswer: {{output}}", questions: ["quality"] });
  return { admin, manager, projectId: project.id, itemIds: added.ids.map(Number), provider, generate, judge };
}
