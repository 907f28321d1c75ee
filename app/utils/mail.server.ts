import dns from "node:dns/promises";
import { isIP } from "node:net";
import nodemailer from "nodemailer";
import { isMetadataHostname, normalizeHostname, refusalFor } from "~/modules/net/address-policy";
import { mailSettings } from "./env.server";

/** Whether the operator configured mail (LOUPE_SMTP_URL and LOUPE_MAIL_FROM). */
export function mailConfigured(): boolean {
  return mailSettings() !== undefined;
}

export class MailNotSentError extends Error {}

/**
 * Sends one plain-text message through the configured SMTP server. Throws MailNotSentError with
 * the server's reason when it cannot; the SMTP URL (and its password) never appears in it. The
 * SMTP host passes the same address policy as LLM providers, switched by LOUPE_SMTP_ALLOW_PRIVATE.
 */
export async function sendMail(message: { to: string; subject: string; text: string }): Promise<void> {
  const settings = mailSettings();
  if (!settings) throw new MailNotSentError("Mail is not configured: set LOUPE_SMTP_URL and LOUPE_MAIL_FROM.");
  const url = new URL(settings.smtpUrl);
  const host = normalizeHostname(url.hostname);
  const address = await checkedAddress(host, settings.allowPrivate);
  // why: connect to the address that was checked, so a name that resolves elsewhere a moment later
  // (DNS rebinding) changes nothing; TLS still verifies the certificate against the host's name.
  url.hostname = isIP(address) === 6 ? `[${address}]` : address;
  // why: bounded waits, so an unreachable mail server fails the request instead of holding it for minutes.
  const transport = nodemailer.createTransport({
    url: url.toString(),
    tls: isIP(host) ? {} : { servername: host },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: settings.from, ...message });
  } catch (error) {
    throw new MailNotSentError(`The mail server did not take the message: ${withoutSecrets(error, [settings.smtpUrl, url.toString(), url.password, decodeURIComponent(url.password)])}`);
  } finally {
    transport.close();
  }
}

/** The address to connect to for the SMTP host, or MailNotSentError when the policy refuses it (or it does not resolve). */
async function checkedAddress(host: string, allowPrivate: boolean): Promise<string> {
  const policy = { allowPrivate, allowPrivateSetting: "LOUPE_SMTP_ALLOW_PRIVATE" };
  if (isMetadataHostname(host)) throw new MailNotSentError(`Refused the mail server ${host}: it is a cloud metadata service.`);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch (error) {
    throw new MailNotSentError(`The mail server's name ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? "lookup failed"}).`);
  }
  for (const address of addresses) {
    const refusal = refusalFor(address, policy);
    if (refusal) throw new MailNotSentError(`Refused the mail server ${host}: ${refusal}.`);
  }
  return addresses[0]!;
}

function withoutSecrets(error: unknown, secrets: string[]): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret) reason = reason.split(secret).join("(LOUPE_SMTP_URL)");
  return reason;
}
