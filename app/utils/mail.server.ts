import nodemailer from "nodemailer";
import { mailSettings } from "./env.server";

/** Whether the operator configured mail (LOUPE_SMTP_URL and LOUPE_MAIL_FROM). */
export function mailConfigured(): boolean {
  return mailSettings() !== undefined;
}

export class MailNotSentError extends Error {}

/**
 * Sends one plain-text message through the configured SMTP server. Throws MailNotSentError with
 * the server's reason when it cannot; the SMTP URL (and its password) never appears in it.
 */
export async function sendMail(message: { to: string; subject: string; text: string }): Promise<void> {
  const settings = mailSettings();
  if (!settings) throw new MailNotSentError("Mail is not configured: set LOUPE_SMTP_URL and LOUPE_MAIL_FROM.");
  // why: bounded waits, so an unreachable mail server fails the request instead of holding it for minutes.
  const transport = nodemailer.createTransport({ url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  try {
    await transport.sendMail({ from: settings.from, ...message });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MailNotSentError(`The mail server did not take the message: ${reason.replace(settings.smtpUrl, "(LOUPE_SMTP_URL)")}`);
  } finally {
    transport.close();
  }
}
