import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The `Loupe-Signature` header for a body sent at `timestamp` (Unix seconds): Stripe's scheme,
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, so a receiver checks both
 * who sent it and when (and can refuse an old one replayed by someone else).
 */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * What a receiver does (the README shows the same steps): recompute the HMAC over the raw body and
 * compare in constant time; refuse a timestamp further than `toleranceSeconds` from now.
 */
export function verifySignature(secret: string, header: string, body: string, options: { now?: number; toleranceSeconds?: number } = {}): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
