import PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "~test/db";
import { createQueue } from "./boss.server";

const bosses: PgBoss[] = [];
afterAll(async () => {
  await Promise.all(bosses.map((b) => b.stop({ graceful: false, wait: true })));
});

describe("servers starting together create their queues", () => {
  it("eight pg-boss instances creating their own and a shared queue at once all succeed (pg-boss's creates deadlock each other)", async () => {
    const url = await testDatabaseUrl();
    for (let i = 0; i < 8; i++) {
      const boss = new PgBoss({ connectionString: url, max: 2, schedule: false, supervise: false });
      await boss.start();
      bosses.push(boss);
    }
    const tag = Math.random().toString(36).slice(2, 8);
    const results = await Promise.allSettled(
      bosses.flatMap((boss, i) => [
        createQueue(boss, url, `own_${tag}_${i}`, { name: `own_${tag}_${i}`, retryLimit: 0 }),
        createQueue(boss, url, `shared_${tag}`, { name: `shared_${tag}`, policy: "stately", retryLimit: 0 }),
      ]),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    for (let i = 0; i < 8; i++) expect(await bosses[0]!.getQueue(`own_${tag}_${i}`)).toMatchObject({ name: `own_${tag}_${i}` });
    expect(await bosses[0]!.getQueue(`shared_${tag}`)).toMatchObject({ name: `shared_${tag}`, policy: "stately" });
  });
});
