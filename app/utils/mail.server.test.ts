import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { logIn } from "~/modules/auth/log-in.server";
import { resetPassword } from "~/modules/auth/reset-password.server";
import { action } from "~/routes/admin.users";
import { makeUser } from "~test/factories";
import { loadEnv } from "./env.server";

// why: mail goes to a real SMTP server on this machine (smtp-server speaks the protocol), never the network.
const received: { to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, callback) {
    let raw = "";
    stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    stream.on("end", () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-mail-"));
let smtpUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function useEnv(extra: Record<string, string>) {
  loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the mail tests, long enough", LOUPE_DATA_DIR: dataDir, LOUPE_PUBLIC_URL: "https://loupe.example.org", LOUPE_SMTP_ALLOW_PRIVATE: "true", ...extra });
}

/** The admin users page's action, as a browser form post from `admin` would reach it. */
async function adminAction(admin: Awaited<ReturnType<typeof makeUser>>, form: Record<string, string>) {
  const request = new Request("http://127.0.0.1:3000/admin/users", { method: "POST", body: new URLSearchParams(form) });
  const context = { user: { id: admin.id, email: admin.email, name: admin.name, isAdmin: true }, sessionToken: null, csrfToken: "", cspNonce: "", clientIp: "127.0.0.1", secureCookies: false };
  const result = (await action({ request, context, params: {} } as never)) as { data: { reset?: { link: string; mailed: boolean; mailError?: string } } };
  return result.data;
}

describe("mailing a reset link", () => {
  it("sends the link to the user when SMTP is configured, and the mailed link sets their password once", async () => {
    useEnv({ LOUPE_SMTP_URL: smtpUrl, LOUPE_MAIL_FROM: "Loupe <loupe@example.org>" });
    const admin = await makeUser({ isAdmin: true });
    const user = await makeUser({ name: "Mailed User" });
    const result = await adminAction(admin, { intent: "mail-reset-link", userId: user.id });
    expect(result.reset).toMatchObject({ mailed: true });
    expect(result.reset?.mailError).toBeUndefined();
    expect(result.reset!.link).toMatch(/^https:\/\/loupe\.example\.org\/reset-password\/[A-Za-z0-9_-]{43}$/);

    const mail = received.find((m) => m.to.includes(user.email));
    expect(mail?.raw).toContain("Subject: Set your Loupe password");
    expect(mail?.raw).toContain("From: Loupe <loupe@example.org>");
    // Long lines travel quoted-printable: undo the soft line breaks and escapes to read the body.
    const body = mail!.raw.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(body).toContain(`  ${result.reset!.link}\r\n`);
    const token = result.reset!.link.split("/").pop()!;
    await resetPassword(db, { token, newPassword: "mailed new password", confirmPassword: "mailed new password", ip: "10.1.1.1" });
    await expect(logIn(db, { email: user.email, password: "mailed new password", ip: "10.1.1.2" })).resolves.toBeTruthy();
  });

  it("still shows the link, with the reason, when the mail server cannot be reached; the URL's password is never shown", async () => {
    const closed = new SMTPServer({ authOptional: true });
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    useEnv({ LOUPE_SMTP_URL: `smtp://mailer:hunter2-secret@127.0.0.1:${port}`, LOUPE_MAIL_FROM: "loupe@example.org" });
    const admin = await makeUser({ isAdmin: true });
    const user = await makeUser();
    const result = await adminAction(admin, { intent: "mail-reset-link", userId: user.id });
    expect(result.reset).toMatchObject({ mailed: false });
    expect(result.reset?.mailError).toMatch(/^The mail server did not take the message: .*ECONNREFUSED/);
    expect(JSON.stringify(result)).not.toContain("hunter2-secret");
    expect(result.reset!.link).toContain("/reset-password/");
  });

  it("refuses to start with SMTP half configured", () => {
    expect(() => useEnv({ LOUPE_SMTP_URL: smtpUrl })).toThrow(/Set both LOUPE_SMTP_URL and LOUPE_MAIL_FROM/);
    expect(() => useEnv({ LOUPE_SMTP_URL: "https://mail.example.org", LOUPE_MAIL_FROM: "x@example.org" })).toThrow(/smtp:\/\/ or smtps:\/\//);
  });
});
