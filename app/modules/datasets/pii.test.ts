import { describe, expect, it } from "vitest";
import { emptyPiiCounts, ibanValid, luhnValid, redactText, redactValue } from "./pii";

const redact = (text: string) => {
  const counts = emptyPiiCounts();
  return { text: redactText(text, counts), counts };
};

describe("PII redaction", () => {
  it.each([
    ["Mail ada.lovelace+ml@example.co.uk today", "Mail [EMAIL] today", "email"],
    ["Card 4111 1111 1111 1111 on file", "Card [CARD] on file", "card"],
    ["Card 5500-0000-0000-0004.", "Card [CARD].", "card"],
    ["pay to GB82 WEST 1234 5698 7654 32 now", "pay to [IBAN] now", "iban"],
    ["IBAN DE89370400440532013000", "IBAN [IBAN]", "iban"],
    ["from 192.168.10.254, then", "from [IP], then", "ip"],
    ["v6 2001:db8:85a3::8a2e:370:7334 and ::ffff:10.0.0.1", "v6 [IP] and [IP]", "ip"],
    ["call +44 20 7946 0958 or (555) 123-4567", "call [PHONE] or [PHONE]", "phone"],
    ["ring 555-123-4567 or +1-202-555-0143.", "ring [PHONE] or [PHONE].", "phone"],
  ])("redacts %j", (input, expected, kind) => {
    const { text, counts } = redact(input);
    expect(text).toBe(expected);
    expect(counts[kind as keyof typeof counts]).toBeGreaterThan(0);
  });

  it.each([
    ["an order number that fails Luhn", "Order 4111 1111 1111 1112 shipped"],
    ["an IBAN-shaped code with a wrong checksum", "Ref GB82 WEST 1234 5698 7654 33"],
    ["dates", "on 2024-01-15 and 15/01/2024"],
    ["version numbers and octets out of range", "v1.2.3, build 10.0.19045 and 999.10.1.1"],
    ["times and MAC addresses", "at 12:30:45 from 00:1A:2B:3C:4D:5E"],
    ["C++ scopes", "std::vector and Foo::Bar::baz"],
    ["an address without a domain", "user@localhost and @mention"],
    ["prices, counts and short numbers", "costs $1,299.99 for 1,000,000 items; room 1234-5678"],
  ])("leaves %s alone", (_what, input) => {
    const { text, counts } = redact(input);
    expect(text).toBe(input);
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it("checks Luhn and mod-97 the way the standards do", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("GB82WEST12345698765431")).toBe(false);
  });

  it("redacts every string inside a value and counts each kind", () => {
    const counts = emptyPiiCounts();
    const value = redactValue({ messages: [{ role: "user", content: "me@example.com, 10.1.2.3" }], text: { text: "call 555-123-4567" }, n: 5 }, counts);
    expect(value).toEqual({ messages: [{ role: "user", content: "[EMAIL], [IP]" }], text: { text: "call [PHONE]" }, n: 5 });
    expect(counts).toEqual({ email: 1, iban: 0, card: 0, ip: 1, phone: 1 });
  });
});
