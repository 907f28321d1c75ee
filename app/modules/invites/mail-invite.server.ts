import { eq, sql } from "drizzle-orm";
import { invites } from "~db/schema";
import type { Db } from "~/db.server";
import { roleLabels, type ProjectRole } from "~/modules/projects/policy";
import { mailConfigured, MailNotSentError, sendMail } from "~/utils/mail.server";

/** The path of an invite link; the page at it lets the holder join once. */
export const invitePath = (token: string) => `/invite/${token}`;

/** What happened to the email of an invite: not configured, sent, or not sent with the reason. */
export type InviteMail = { state: "off" } | { state: "sent" } | { state: "failed"; error: string };

type About = { email: string; inviterName: string | null; projectName: string | null; role: ProjectRole | null; expiresAt: Date };

/** The message that carries an invite link. */
export function inviteMessage(about: About, link: string) {
  const who = about.inviterName ?? "An admin";
  const what = about.projectName && about.role ? `the project “${about.projectName}” on Loupe as ${roleLabels[about.role].toLowerCase()}` : "Loupe";
  return {
    to: about.email,
    subject: about.projectName ? `You are invited to ${about.projectName} on Loupe` : "You are invited to Loupe",
    text:
      `Hello,\n\n${who} invited you to ${what}. Open this link to join:\n\n  ${link}\n\n` +
      `It works once, until ${about.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC. If you did not expect it, ignore this message.\n`,
  };
}

/**
 * Mails the invite link when mail is configured and records the outcome on the invite (sent_at,
 * or send_error in words without secrets). A failure never undoes the invite: the link is still
 * shown to its maker, and they can resend.
 */
export async function mailInvite(db: Db, inviteId: string, about: About, link: string): Promise<InviteMail> {
  if (!mailConfigured()) return { state: "off" };
  try {
    await sendMail(inviteMessage(about, link));
  } catch (error) {
    const message = error instanceof MailNotSentError ? error.message : "The mail could not be sent.";
    await db.update(invites).set({ sendError: message }).where(eq(invites.id, inviteId));
    return { state: "failed", error: message };
  }
  await db.update(invites).set({ sentAt: sql`now()`, sendError: null }).where(eq(invites.id, inviteId));
  return { state: "sent" };
}
