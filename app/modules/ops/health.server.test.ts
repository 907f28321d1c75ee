import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { imports } from "~db/schema";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { createProject } from "~/modules/projects/create-project.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { addMember } from "~/modules/projects/add-member.server";
import { ForbiddenError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { instanceHealth } from "./health.server";
import { opsSnapshot } from "./snapshot.server";

describe("the instance's operational figures", () => {
  it("count open items, live and expired leases, import rows and failures; admins only see the page's figures", async () => {
    const before = await opsSnapshot(db);
    const manager = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Ops ${randomUUID()}` });
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
    await addItems(db, manager.actor, project.id, [1, 2, 3].map((n) => ({ input: `Q${n}`, outputs: [{ text: `A${n}` }] })));
    const reviewer = await makeUser();
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    const held = await claimNextItem(db, reviewer.actor, project.id);
    await db.insert(imports).values({ projectId: project.id, origin: "upload", state: "failed", received: 10, inserted: 4, message: "line 5: expected a text input", finishedAt: new Date() });

    const after = await opsSnapshot(db);
    // why deltas: other test files share the database.
    expect(after.queue.open - before.queue.open).toBeGreaterThanOrEqual(3);
    expect(after.queue.liveLeases - before.queue.liveLeases).toBeGreaterThanOrEqual(1);
    expect(after.imports.rowsRead - before.imports.rowsRead).toBeGreaterThanOrEqual(10);
    expect(after.imports.failed - before.imports.failed).toBeGreaterThanOrEqual(1);
    expect(after.migrations).toBeGreaterThan(20);
    expect(after.connections.reduce((sum, c) => sum + c.count, 0)).toBeGreaterThan(0);
    expect(held).not.toBeNull();

    await expect(instanceHealth(db, manager.actor)).rejects.toThrow(ForbiddenError);
    const admin = await makeUser({ isAdmin: true });
    const health = await instanceHealth(db, admin.actor);
    expect(health.failedImports.find((i) => i.projectId === project.id)).toMatchObject({ message: "line 5: expected a text input" });
    expect(health.process.rssBytes).toBeGreaterThan(0);
  });
});
