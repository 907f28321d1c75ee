import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reviewerPseudonyms } from "~db/schema";
import { db } from "~/db.server";
import { listImports } from "~/modules/imports/queries.server";
import { addItems } from "~/modules/items/add-items.server";
import { computeQuality } from "~/modules/quality/compute-quality.server";
import { getProgress, getReviewItem } from "~/modules/review/queries.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { importItems } from "~/modules/imports/import-items.server";
import { bytesInput } from "~/modules/imports/test-helpers";
import { addMember } from "./add-member.server";
import { createProject } from "./create-project.server";
import { listMembers } from "./queries.server";
import { updateProjectSettings } from "./update-settings.server";

const PSEUDONYM = /^reviewer-[0-9a-f]{10}$/;

/** Each user's pseudonym on the project, as stored (the one exports use). */
async function pseudonymsOf(projectId: string) {
  const rows = await db.select().from(reviewerPseudonyms).where(eq(reviewerPseudonyms.projectId, projectId));
  return new Map(rows.map((r) => [r.userId, r.pseudonym]));
}

/** A project where two reviewers answered one item, with one member of every other kind. */
async function team() {
  const tag = randomUUID().slice(0, 6);
  const manager = await makeUser({ name: `Mona Manager ${tag}` });
  const project = await createProject(db, manager.actor, { name: `People ${tag}` });
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const member = async (role: "reviewer" | "researcher" | "engineer", name: string) => {
    const user = await makeUser({ name: `${name} ${tag}` });
    await addMember(db, manager.actor, project.id, { email: user.email, role });
    return user;
  };
  const rita = await member("reviewer", "Rita Reviewer");
  const rob = await member("reviewer", "Rob Reviewer");
  const researcher = await member("researcher", "Rhea Researcher");
  const engineer = await member("engineer", "Ed Engineer");
  const admin = await makeUser({ isAdmin: true, name: `Ada Admin ${tag}` });
  const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Prompt", outputs: [{ text: "Output" }] }]);
  for (const [who, ok] of [[rita, "up"], [rob, "up"]] as const) {
    await submitAnnotation(db, who.actor, { itemId: ids[0]!, values: { ok }, idempotencyKey: randomUUID() });
  }
  const people = { manager, rita, rob, researcher, engineer };
  return { projectId: project.id, itemId: ids[0]!, admin, ...people, everyone: Object.values(people) };
}

type Team = Awaited<ReturnType<typeof team>>;
type Viewer = { actor: Team["manager"]["actor"]; id: string; name: string };

/** Every place a person appears, as `viewer` sees it. */
async function whatTheySee(t: Team, viewer: Viewer) {
  const members = await listMembers(db, viewer.actor, t.projectId);
  const progress = await getProgress(db, viewer.actor, t.projectId);
  const canSeeOthers = viewer !== t.rita && viewer !== t.rob && viewer !== t.researcher;
  const review = canSeeOthers ? await getReviewItem(db, viewer.actor, t.itemId) : null;
  const quality = viewer === t.rita || viewer === t.rob ? null : await computeQuality(db, viewer.actor, t.projectId);
  return {
    members,
    progress: progress.reviewers.map((r) => r.name),
    others: review?.others?.map((o) => o.userName) ?? null,
    quality: quality?.questions[0]?.perReviewer?.map((r) => r.reviewer) ?? null,
  };
}

describe("how people appear, by role", () => {
  it("managers and admins see names and emails everywhere", async () => {
    const t = await team();
    for (const viewer of [t.manager, t.admin]) {
      const seen = await whatTheySee(t, viewer);
      expect(seen.members.map((m) => [m.label, m.email])).toEqual(
        expect.arrayContaining(t.everyone.map((u) => [u.name, u.email])),
      );
      expect(seen.members.every((m) => m.userId !== null)).toBe(true);
      expect(seen.progress.sort()).toEqual([t.rita.name, t.rob.name].sort());
      expect(seen.others?.sort()).toEqual([t.rita.name, t.rob.name].sort());
      expect(seen.quality?.sort()).toEqual([t.rita.name, t.rob.name].sort());
    }
  });

  it("engineers, researchers and reviewers see each person by one project pseudonym everywhere, and no emails or ids but their own", async () => {
    const t = await team();
    for (const viewer of [t.engineer, t.researcher, t.rita]) {
      const seen = await whatTheySee(t, viewer);
      const others = t.everyone.filter((u) => u.id !== viewer.id);
      const text = JSON.stringify(seen);
      for (const u of others) {
        expect(text, `${viewer.name} sees ${u.name}`).not.toContain(u.name);
        expect(text).not.toContain(u.email);
        expect(text).not.toContain(u.id);
      }
      const pseudonym = await pseudonymsOf(t.projectId);
      expect(seen.members.find((m) => m.isYou)).toMatchObject({ label: viewer.name, userId: viewer.id });
      expect(seen.members.filter((m) => !m.isYou)).toEqual(
        expect.arrayContaining(others.map((u) => expect.objectContaining({ label: pseudonym.get(u.id), userId: null, email: null }))),
      );
      expect([...pseudonym.values()].every((p) => PSEUDONYM.test(p))).toBe(true);
      if (viewer === t.engineer) {
        const reviewers = [pseudonym.get(t.rita.id), pseudonym.get(t.rob.id)].sort();
        expect(seen.others?.sort()).toEqual(reviewers);
        expect(seen.progress.sort()).toEqual(reviewers);
        expect(seen.quality?.sort()).toEqual(reviewers);
      }
    }
  });

  it("a reviewer sees only their own line of progress, by their own name", async () => {
    const t = await team();
    const seen = await whatTheySee(t, t.rita);
    expect(seen.progress).toEqual([t.rita.name]);
    expect(seen.others).toBeNull();
  });

  it("shows members names (never emails) where the project opts in, and only the manager may opt in", async () => {
    const t = await team();
    await expect(updateProjectSettings(db, t.engineer.actor, t.projectId, { showReviewerNames: true })).rejects.toThrow();
    await updateProjectSettings(db, t.manager.actor, t.projectId, { showReviewerNames: true });
    for (const viewer of [t.engineer, t.researcher, t.rob]) {
      const seen = await whatTheySee(t, viewer);
      expect(seen.members.map((m) => m.label).sort()).toEqual(t.everyone.map((u) => u.name).sort());
      expect(seen.members.filter((m) => !m.isYou).every((m) => m.email === null && m.userId === null)).toBe(true);
      if (viewer === t.engineer) {
        expect(seen.others?.sort()).toEqual([t.rita.name, t.rob.name].sort());
        expect(seen.quality?.sort()).toEqual([t.rita.name, t.rob.name].sort());
      }
    }
  });

  it("shows who ran an import by pseudonym to an engineer and by name to a manager", async () => {
    const t = await team();
    await importItems(db, t.manager.actor, {
      projectId: t.projectId,
      origin: "upload",
      input: bytesInput('{"input": "Imported prompt", "outputs": [{"text": "Imported output"}]}\n'),
      track: { fileName: "one.jsonl" },
    });
    const byManager = (await listImports(db, t.manager.actor, t.projectId)).map((i) => i.by);
    const byEngineer = (await listImports(db, t.engineer.actor, t.projectId)).map((i) => i.by);
    expect(byManager).toEqual([t.manager.name]);
    expect(byEngineer).toHaveLength(1);
    expect(byEngineer[0]).toMatch(PSEUDONYM);
  });
});
