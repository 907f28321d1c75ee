import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { expectNoAxeViolations } from "./support/axe";

test.describe("Managers send project events to their own systems", () => {
  test("a manager adds a webhook, sends a test event, sees it delivered and replays it; the receiver checks the signature", async ({ page, makeUser, makeProject, loginAs }) => {
    // why: the customer's endpoint is a real HTTP server this test starts on 127.0.0.1 (the server runs with LOUPE_WEBHOOK_ALLOW_PRIVATE=true).
    const received: { event: string; delivery: string; signature: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push({ event: String(req.headers["loupe-event"]), delivery: String(req.headers["loupe-delivery"]), signature: String(req.headers["loupe-signature"]), body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/loupe-events`;
    try {
      const manager = await makeUser();
      const project = await makeProject(manager);
      await loginAs(page, manager);
      await page.goto(`/projects/${project.id}/settings`);
      await page.getByRole("link", { name: "Manage webhooks" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
      await expect(page.getByText("No webhooks yet.")).toBeVisible();
      await expectNoAxeViolations(page, "the webhooks page (empty)");

      const form = page.getByRole("form", { name: "Add a webhook" });
      await form.getByLabel("Endpoint URL").fill(url);
      await form.getByRole("button", { name: "Add webhook" }).click();
      await expect(form.getByText("Choose at least one event.")).toBeVisible();

      await form.getByLabel("Endpoint URL").fill(url);
      await form.getByLabel("dataset.ready").check();
      await form.getByLabel("item.resolved").check();
      await form.getByRole("button", { name: "Add webhook" }).click();
      const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
      expect(secret).toMatch(/^whsec_/);
      const list = page.getByRole("list", { name: "Webhooks" });
      await expect(list.getByRole("listitem")).toHaveCount(1);
      await expect(list.getByRole("listitem")).toContainText(url);
      await expect(list.getByRole("listitem")).toContainText("Active item.resolved, dataset.ready");

      await list.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByRole("status")).toHaveText("Test event delivered (HTTP 200).");
      await expect(page.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0); // shown once only
      expect(await page.content()).not.toContain(secret);
      const log = page.getByRole("table", { name: "Deliveries" });
      await expect(log.getByRole("row")).toHaveCount(2);
      await expect(log.getByRole("row").nth(1)).toContainText("webhook.test");
      await expect(log.getByRole("row").nth(1)).toContainText("Delivered");
      await expect(log.getByRole("row").nth(1)).toContainText("HTTP 200");
      await expectNoAxeViolations(page, "the webhooks page with a delivery log");

      expect(received).toHaveLength(1);
      const [first] = received;
      const [t, v1] = first!.signature.split(",").map((part) => part.split("=")[1]);
      expect(createHmac("sha256", secret).update(`${t}.${first!.body}`).digest("hex")).toBe(v1);
      expect(JSON.parse(first!.body)).toMatchObject({ type: "webhook.test", project_id: project.id });

      await log.getByRole("button", { name: "Replay" }).click();
      await expect(page.getByRole("status")).toHaveText("Replay delivered (HTTP 200).");
      expect(received).toHaveLength(2);
      expect(received[1]!.body).toBe(first!.body);
      expect(received[1]!.delivery).toBe(first!.delivery);

      await list.getByRole("button", { name: "Pause" }).click();
      await expect(page.getByRole("status")).toHaveText("Webhook paused: it gets no new events until resumed.");
      await expect(list.getByRole("listitem")).toContainText("Paused item.resolved, dataset.ready");
      await expect(list.getByRole("button", { name: "Resume" })).toBeVisible();

      // The SSRF guard: a metadata address is refused next to the field, whatever the server allows.
      await form.getByLabel("Endpoint URL").fill("http://169.254.169.254/latest/meta-data/");
      await form.getByLabel("job.finished").check();
      await form.getByRole("button", { name: "Add webhook" }).click();
      await expect(form.getByText("Refused 169.254.169.254: 169.254.169.254 is a cloud metadata service.")).toBeVisible();
      await expect(list.getByRole("listitem")).toHaveCount(1);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
