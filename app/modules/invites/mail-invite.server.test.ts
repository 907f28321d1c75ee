import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invites } from "~db/schema";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { loadEnv } from "~/utils/env.server";
import { makeUser } from "~test/factories";
import { acceptInvite, findInvite } from "./accept-invite.server";
import { createInvite } from "./create-invite.server";
import { listInvites } from "./queries.server";
import { resendInvite } from "./resend-invite.server";

// why: mail goes to a real SMTP server on this machine (smtp-server speaks the protocol), never the network.
const received: { to: string[]; raw: string }[] = [];
const REFUSED = "refused-";
const smtp = new SMTPServer({
  disabledCommands: ["STARTTLS"],
  allowInsecureAuth: true,
  // why: the server demands the URL's credentials, so a sent mail proves they were used (and a page not showing them means something).
  onAuth(auth, _session, callback) {
    if (auth.username === "mailer" && auth.password === "hunter2-secret") return callback(null, { user: auth.username });
    callback(new Error("Invalid username or password"));
  },
  onRcptTo(address, _session, callback) {
    // A server that refuses some recipients, as a real relay does for mailboxes it will not take.
    if (address.address.startsWith(REFUSED)) return callback(Object.assign(new Error("5.1.1 Mailbox unavailable"), { responseCode: 550 }));
    callback();
  },
  onData(stream, session, callback) {
    let raw = "";
    stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    stream.on("end", () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-invite-mail-"));
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function useMail(extra: Record<string, string> = {}) {
  loadEnv({
    ...process.env,
    SESSION_SECRET: "a session secret for the invite mail tests, long enough",
    LOUPE_DATA_DIR: dataDir,
    LOUPE_SMTP_URL: `smtp://mailer:hunter2-secret@127.0.0.1:${port}`,
    LOUPE_MAIL_FROM: "Loupe <loupe@example.org>",
    LOUPE_SMTP_ALLOW_PRIVATE: "true",
    ...extra,
  });
}

/** The text of a received message, with quoted-printable soft breaks and escapes undone. */
const bodyOf = (raw: string) =>
  Buffer.from(raw.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8");

async function managerAndProject() {
  const manager = await makeUser({ name: "Mira Manager" });
  const project = await createProject(db, manager.actor, { name: `Mailed ${randomUUID().slice(0, 8)}`, description: "" });
  return { manager, project };
}

describe("mailing invite links", () => {
  it("sends the link to the invitee, records when, and the mailed link works", async () => {
    useMail();
    const { manager, project } = await managerAndProject();
    const email = `mailed-${randomUUID().slice(0, 8)}@example.com`;
    const made = await createInvite(db, manager.actor, { projectId: project.id, input: { email, role: "reviewer" }, origin: "https://loupe.example.org" });
    expect(made.mail).toEqual({ state: "sent" });

    const mail = received.find((m) => m.to.includes(email));
    expect(mail?.raw).toContain(`Subject: You are invited to ${project.name} on Loupe`);
    expect(mail?.raw).toContain("From: Loupe <loupe@example.org>");
    const body = bodyOf(mail!.raw);
    expect(body).toContain(`Mira Manager invited you to the project “${project.name}” on Loupe as reviewer`);
    const link = /https:\/\/loupe\.example\.org\/invite\/([A-Za-z0-9_-]{43})/.exec(body);
    expect(link?.[0]).toBe(made.link);
    const [row] = await db.select({ sentAt: invites.sentAt, sendError: invites.sendError }).from(invites).where(eq(invites.id, made.id));
    expect(row!.sentAt).toBeInstanceOf(Date);
    expect(row!.sendError).toBeNull();

    const accepted = await acceptInvite(db, { token: link![1]!, ip: "10.3.3.3", signedIn: null, name: "Mailed Person", newPassword: "mailed password 1", confirmPassword: "mailed password 1" });
    expect(accepted.projectId).toBe(project.id);
  });

  it("keeps the invite when the server refuses the message: the reason is stored and shown without the password, and a resend can succeed", async () => {
    useMail();
    const { manager, project } = await managerAndProject();
    const email = `${REFUSED}${randomUUID().slice(0, 8)}@example.com`;
    const made = await createInvite(db, manager.actor, { projectId: project.id, input: { email, role: "reviewer" }, origin: "https://loupe.example.org" });
    expect(made.mail).toMatchObject({ state: "failed", error: expect.stringMatching(/^The mail server did not take the message: .*550.*Mailbox unavailable/) });
    expect(JSON.stringify(made.mail)).not.toContain("hunter2-secret");
    expect(received.some((m) => m.to.includes(email))).toBe(false);

    const [listed] = await listInvites(db, manager.actor, project.id);
    expect(listed).toMatchObject({ id: made.id, state: "pending", sentAt: null, sendError: made.mail.state === "failed" ? made.mail.error : "" });
    expect(JSON.stringify(listed)).not.toContain("hunter2-secret");
    expect(await findInvite(db, made.token)).toMatchObject({ state: "valid", email });

    const again = await resendInvite(db, manager.actor, { inviteId: made.id, origin: "https://loupe.example.org" });
    expect(again.mail.state).toBe("failed");
    expect(await findInvite(db, again.token)).toMatchObject({ state: "valid" });
  });

  it("refuses a mail server on a private address unless LOUPE_SMTP_ALLOW_PRIVATE=true, and says which setting opens it", async () => {
    useMail({ LOUPE_SMTP_ALLOW_PRIVATE: "false" });
    const { manager, project } = await managerAndProject();
    const email = `guarded-${randomUUID().slice(0, 8)}@example.com`;
    const made = await createInvite(db, manager.actor, { projectId: project.id, input: { email, role: "reviewer" }, origin: "https://loupe.example.org" });
    expect(made.mail).toEqual({
      state: "failed",
      error: "Refused the mail server 127.0.0.1: 127.0.0.1 is a loopback address (set LOUPE_SMTP_ALLOW_PRIVATE=true to allow private and local addresses).",
    });
    expect(received.some((m) => m.to.includes(email))).toBe(false);
    expect(await findInvite(db, made.token)).toMatchObject({ state: "valid" });

    useMail({ LOUPE_SMTP_URL: "smtp://169.254.169.254:25" });
    const metadata = await createInvite(db, manager.actor, { projectId: project.id, input: { email, role: "reviewer" }, origin: "https://loupe.example.org" });
    expect(metadata.mail).toMatchObject({ state: "failed", error: expect.stringMatching(/a cloud metadata service/) });
  });
});
