import { describe, expect, it } from "vitest";
import { classifyAddress, refusalFor, type AddressKind } from "./address-policy";
import { BlockedRequestError, checkRequestUrl } from "./guarded-fetch.server";

describe("classifyAddress", () => {
  const cases: [string, AddressKind][] = [
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["2606:4700:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["2001:db8::1", "reserved"],
    ["169.254.169.254", "metadata"],
    ["169.254.170.2", "metadata"],
    ["100.100.100.200", "metadata"],
    ["fd00:ec2::254", "metadata"],
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::808:808", "public"],
    ["2002:7f00:1::1", "loopback"],
  ];
  it.each(cases)("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe("refusalFor", () => {
  it("opens loopback, private, link-local and unspecified with allowPrivate, but never metadata, multicast or reserved", () => {
    const open = { allowPrivate: true };
    const closed = { allowPrivate: false };
    for (const address of ["127.0.0.1", "10.0.0.1", "fe80::1", "0.0.0.0", "::ffff:192.168.0.10"]) {
      expect(refusalFor(address, closed)).toContain("LOUPE_LLM_ALLOW_PRIVATE=true");
      expect(refusalFor(address, open)).toBeNull();
    }
    for (const address of ["169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "224.0.0.1", "240.0.0.1"]) {
      expect(refusalFor(address, open)).not.toBeNull();
      expect(refusalFor(address, open)).not.toContain("LOUPE_LLM_ALLOW_PRIVATE");
    }
    expect(refusalFor("169.254.169.254", open)).toBe("169.254.169.254 is a cloud metadata service");
    expect(refusalFor("8.8.8.8", closed)).toBeNull();
  });
});

describe("checkRequestUrl", () => {
  // [url, refused without the flag (message part) or null, refused with it or null]
  const cases: [string, string | null, string | null][] = [
    ["https://api.openai.com/v1", null, null],
    ["http://example.com:8080/v1", null, null],
    ["http://127.0.0.1:11434/v1", "loopback", null],
    ["http://2130706433/v1", "127.0.0.1 is a loopback address", null], // decimal
    ["http://0x7f000001/v1", "127.0.0.1 is a loopback address", null], // hex
    ["http://017700000001/v1", "127.0.0.1 is a loopback address", null], // octal
    ["http://0x7f.1/v1", "127.0.0.1 is a loopback address", null], // mixed, short form
    ["http://127.1/v1", "127.0.0.1 is a loopback address", null],
    ["http://[::1]:8000/v1", "::1 is a loopback address", null],
    ["http://[::ffff:127.0.0.1]/v1", "loopback", null],
    ["http://0/v1", "0.0.0.0 is an unspecified address", null],
    ["http://10.0.0.5/v1", "private-network", null],
    ["http://[fd12::5]/v1", "private-network", null],
    ["http://169.254.169.254/latest/meta-data/", "cloud metadata", "cloud metadata"],
    ["http://0xa9fea9fe/", "cloud metadata", "cloud metadata"],
    ["http://[::ffff:169.254.169.254]/", "cloud metadata", "cloud metadata"],
    ["http://[fd00:ec2::254]/", "cloud metadata", "cloud metadata"],
    ["http://metadata.google.internal/computeMetadata/v1/", "cloud metadata", "cloud metadata"],
    ["http://METADATA.GOOGLE.INTERNAL./", "cloud metadata", "cloud metadata"],
    ["http://224.0.0.1/", "multicast", "multicast"],
    ["ftp://example.com/", "Only http and https", "Only http and https"],
    ["file:///etc/passwd", "Only http and https", "Only http and https"],
  ];
  it.each(cases)("%s", (url, closed, open) => {
    const outcome = (allowPrivate: boolean) => {
      try {
        checkRequestUrl(new URL(url), { allowPrivate });
        return null;
      } catch (error) {
        expect(error).toBeInstanceOf(BlockedRequestError);
        return (error as Error).message;
      }
    };
    if (closed === null) expect(outcome(false)).toBeNull();
    else expect(outcome(false)).toContain(closed);
    if (open === null) expect(outcome(true)).toBeNull();
    else expect(outcome(true)).toContain(open);
  });
});
