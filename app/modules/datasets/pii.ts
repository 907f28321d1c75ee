import { isIPv6 } from "node:net";

/**
 * PII redaction for dataset snapshots. Each kind is found by a pattern and then confirmed by its
 * own check (Luhn for cards, ISO 13616 mod-97 for IBANs, octet ranges and `isIPv6` for
 * addresses, digit counts and shapes for phone numbers), so numbers that merely look alike —
 * order ids, dates, versions, times, MAC addresses — are left as they are.
 */
export const piiKinds = ["email", "iban", "card", "ip", "phone"] as const;
export type PiiKind = (typeof piiKinds)[number];
export type PiiCounts = Record<PiiKind, number>;

export const piiTokens: Record<PiiKind, string> = { email: "[EMAIL]", iban: "[IBAN]", card: "[CARD]", ip: "[IP]", phone: "[PHONE]" };

export const emptyPiiCounts = (): PiiCounts => ({ email: 0, iban: 0, card: 0, ip: 0, phone: 0 });

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d|\\w)`, "g");
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])/g;
const PHONE = /(?<![\w+@/.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w@-]|[.,]\d)/g;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** Luhn (ISO/IEC 7812) check digit over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters to 10–35, the number mod 97 is 1. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, "");
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

function phoneLike(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE_LIKE.test(match)) return false;
  const groups = match.split(/[ .-]+/).filter(Boolean).length;
  // why: "1234-5678" may be an order number; a phone number shows itself by a country code,
  // an area code in brackets, three or more groups, or the classic 3-4 digit local shape.
  return match.startsWith("+") || match.includes("(") || groups >= 3 || /^\d{3}[ .-]\d{4}$/.test(match);
}

function ipv6Like(match: string): boolean {
  if (!isIPv6(match)) return false;
  const groups = match.split(":").filter(Boolean);
  return groups.length >= 2 && /\d/.test(match);
}

type Rule = { kind: PiiKind; pattern: RegExp; confirm?: (match: string) => boolean };
// why: in this order, and a text span belongs to the first rule whose pattern matches it, even
// when its check then fails: an IBAN with a wrong checksum is a bad IBAN, not a phone number.
const RULES: Rule[] = [
  { kind: "email", pattern: EMAIL },
  { kind: "iban", pattern: IBAN, confirm: ibanValid },
  { kind: "card", pattern: CARD, confirm: (m) => luhnValid(m.replace(/\D/g, "")) },
  { kind: "ip", pattern: IPV6, confirm: ipv6Like },
  { kind: "ip", pattern: IPV4 },
  { kind: "phone", pattern: PHONE, confirm: phoneLike },
];

/** Replaces PII in one string, adding what it replaced to `counts`. */
export function redactText(text: string, counts: PiiCounts): string {
  const claimed: { start: number; end: number; kind: PiiKind | null }[] = [];
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (end === start || claimed.some((c) => start < c.end && c.start < end)) continue;
      claimed.push({ start, end, kind: !rule.confirm || rule.confirm(match[0]) ? rule.kind : null });
    }
  }
  const hits = claimed.filter((c) => c.kind !== null).sort((a, b) => a.start - b.start);
  if (!hits.length) return text;
  let out = "";
  let at = 0;
  for (const hit of hits) {
    counts[hit.kind!]++;
    out += text.slice(at, hit.start) + piiTokens[hit.kind!];
    at = hit.end;
  }
  return out + text.slice(at);
}

/** Redacts every string inside a JSON value (object keys are left alone). */
export function redactValue<T>(value: T, counts: PiiCounts): T {
  if (typeof value === "string") return redactText(value, counts) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, counts)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, counts);
    return out as T;
  }
  return value;
}
