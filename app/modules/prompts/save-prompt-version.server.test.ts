import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ForbiddenError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { listPrompts, promptHistory } from "./queries.server";
import { savePromptVersion } from "./save-prompt-version.server";

async function project() {
  const manager = await makeUser();
  const p = await createProject(db, manager.actor, { name: `Prompts ${randomUUID().slice(0, 8)}` });
  await saveTemplate(db, manager.actor, p.id, {
    questions: [
      { key: "quality", kind: "rating", text: "How good?", min: 1, max: 5 },
      { key: "note", kind: "text", text: "Note" },
    ],
  });
  return { manager, projectId: p.id };
}

describe("prompt versions", () => {
  it("saving a name again makes its next version; the old one stays as it was", async () => {
    const { manager, projectId } = await project();
    const first = await savePromptVersion(db, manager.actor, projectId, { name: "Concise", purpose: "generate", system: "Be concise.", user: "{{input}}", params: { temperature: 0.2, maxTokens: 200 } });
    const second = await savePromptVersion(db, manager.actor, projectId, { name: "concise", purpose: "generate", user: "{{input}}", params: { temperature: 0.7 } });
    expect([first.version, second.version]).toEqual([1, 2]);
    const history = await promptHistory(db, manager.actor, projectId, "CONCISE");
    expect(history.map((v) => [v.version, v.system, v.params])).toEqual([
      [2, "", { temperature: 0.7 }],
      [1, "Be concise.", { temperature: 0.2, maxTokens: 200 }],
    ]);
    expect(await listPrompts(db, manager.actor, projectId)).toEqual([expect.objectContaining({ name: "concise", version: 2, versions: 2, purpose: "generate" })]);
  });

  it("ten saves of one name at once take ten different versions", async () => {
    const { manager, projectId } = await project();
    const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => savePromptVersion(db, manager.actor, projectId, { name: "Race", purpose: "generate", user: `{{input}} ${i}` })));
    expect(saved.map((s) => s.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("refuses unknown variables, a judge without questions or with ones the template lacks, and names each field", async () => {
    const { manager, projectId } = await project();
    const refused = (input: Parameters<typeof savePromptVersion>[3]) =>
      savePromptVersion(db, manager.actor, projectId, input).then(
        () => ({ issues: "saved" }),
        (e: unknown) => e as ValidationError,
      );
    expect((await refused({ name: "J", purpose: "judge", user: "{{input}} {{ouput}}", questions: [] })).issues).toEqual([
      { field: "user", message: expect.stringMatching(/^Unknown variable \{\{ouput\}\}/) },
      { field: "questions", message: "Choose the template questions this judge answers." },
    ]);
    expect((await refused({ name: "J", purpose: "judge", user: "{{output}}", questions: ["quality", "tone"] })).issues).toEqual([{ field: "questions.1", message: 'The template has no question "tone".' }]);
    expect((await refused({ name: "G", purpose: "generate", user: "{{input}}", questions: ["quality"] })).issues).toEqual([
      { field: "questions", message: "Only a judge answers questions; a generation prompt writes outputs." },
    ]);
    expect((await refused({ name: "G", purpose: "generate", user: "{{input}}", params: { temperature: 3 } })).issues).toEqual([{ field: "params.temperature", message: "At most 2." }]);
    const judge = await savePromptVersion(db, manager.actor, projectId, { name: "Judge", purpose: "judge", user: "Rate: {{output}}", questions: ["quality", "note", "quality"] });
    expect(judge.questions).toEqual(["quality", "note"]);
  });

  it("engineers and managers write prompts; reviewers may not", async () => {
    const { manager, projectId } = await project();
    const reviewer = await makeUser();
    await addMember(db, manager.actor, projectId, { email: reviewer.email, role: "reviewer" });
    await expect(savePromptVersion(db, reviewer.actor, projectId, { name: "X", purpose: "generate", user: "{{input}}" })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
