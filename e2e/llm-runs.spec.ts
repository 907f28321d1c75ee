import path from "node:path";
import { sqlOf } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { loadEnv } from "~/utils/env.server";
import { startLlmStub, type LlmStub } from "../scripts/llm-stub/server";
import { expect, test, unique } from "./fixtures";

// why: the provider is the one network we don't own; the test starts the stub on 127.0.0.1 and the
// server under test runs with LOUPE_LLM_ALLOW_PRIVATE=true (playwright.config.ts) to reach it.
let stub: LlmStub;
test.beforeAll(async () => {
  // The provider is saved from this process, whose base-URL check must allow the stub's loopback
  // address too; the data dir is the web server's, as in fixtures.ts, so sessions stay signed alike.
  loadEnv({ ...process.env, LOUPE_DATA_DIR: path.join(import.meta.dirname, "..", ".data", "e2e"), LOUPE_LLM_ALLOW_PRIVATE: "true" });
  // Slow enough answers that the progress bar is seen moving, not only finished.
  stub = await startLlmStub({ delayMs: 150 });
});
test.afterAll(() => stub.close());

test("A manager runs a generation and then a judge from the project page and follows each progress bar to done", async ({ page, db, admin, makeUser, makeProject, loginAs }) => {
  test.slow();
  const manager = await makeUser({ name: "Manager" });
  const project = await makeProject(manager);
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "quality", kind: "rating", text: "How good is the answer?", min: 1, max: 5 }] });
  const { ids } = await addItems(
    db,
    manager.actor,
    project.id,
    ["What is the capital of France?", "Name a prime number.", "Who wrote Hamlet?", "How many legs has a spider?"].map((q) => ({ input: q, outputs: [{ text: "An answer.", model: "people" }] })),
  );
  const providerName = unique("Stub");
  await createProvider(db, admin.actor, {
    name: providerName,
    baseUrl: stub.url,
    apiKey: { source: "none" },
    maxConcurrency: 2,
    models: [{ id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 }],
  });
  await savePromptVersion(db, manager.actor, project.id, { name: "Answer", purpose: "generate", user: "{{input}}" });
  await savePromptVersion(db, manager.actor, project.id, { name: "Grade", purpose: "judge", user: "Question: {{input}}\nAnswer: {{output}}", questions: ["quality"] });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}`);
  const runs = page.getByRole("region", { name: "LLM runs" });
  await expect(runs.getByText("No runs yet.")).toBeVisible();

  // Generation: one new output per item.
  await runs.getByLabel("Model").selectOption({ label: `loupe-stub-small (${providerName})` });
  await runs.getByLabel("Prompt").selectOption({ label: "Answer v1 — generation" });
  await runs.getByRole("button", { name: "Start run" }).click();
  await expect(runs.getByRole("status")).toHaveText("Started: 4 item(s) to generate for.");
  const generation = runs.getByRole("listitem", { name: "Generation run with loupe-stub-small" });
  const generationBar = generation.getByRole("progressbar", { name: "Progress of the generation run with loupe-stub-small" });
  await expect(generationBar).toHaveAttribute("aria-valuenow", "100");
  await expect(generation).toContainText("Done");
  await expect(generation).toContainText(/4 done · 0 failed · of 4 · [\d.]+ items\/s · \$0\.\d+ spent/);
  const outputs = await sqlOf(db)<{ n: number }[]>`select jsonb_array_length(outputs)::int as n from items where id = any(${ids}::bigint[]) order by id`;
  expect(outputs.map((o) => o.n)).toEqual([2, 2, 2, 2]);

  // Judge: the first answer is not JSON, so its item fails with the reason; "Retry failed" asks it again.
  stub.script([{ content: "Sorry, I can only answer in prose." }]);
  await runs.getByLabel("Prompt").selectOption({ label: "Grade v1 — judge" });
  await runs.getByRole("button", { name: "Start run" }).click();
  await expect(runs.getByRole("status")).toHaveText("Started: 4 item(s) to judge.");
  const judge = runs.getByRole("listitem", { name: "Judge run with loupe-stub-small" });
  await expect(judge.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(judge).toContainText("3 done · 1 failed · of 4");
  await judge.getByText("Failures (1)").click();
  await expect(judge.getByRole("list", { name: "Failures of the judge run with loupe-stub-small" })).toContainText('The reply holds no JSON object: "Sorry, I can only answer in prose."');

  await judge.getByRole("button", { name: "Retry failed" }).click();
  await expect(runs.getByRole("status")).toHaveText("Asking again about 1 failed item(s).");
  await expect(judge).toContainText("4 done · 0 failed · of 4");
  await expect(judge.getByRole("button", { name: "Retry failed" })).toHaveCount(0);
  const suggestions = await sqlOf(db)<{ n: number }[]>`select count(*)::int as n from suggestions where item_id = any(${ids}::bigint[]) and origin = 'llm' and model = 'loupe-stub-small'`;
  expect(suggestions[0]!.n).toBe(4);
});
