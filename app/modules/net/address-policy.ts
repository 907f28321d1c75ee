import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * Which addresses the server may send requests to on someone's behalf (LLM providers now,
 * webhooks later). Pure: no DNS here; see guarded-fetch.server.ts for where it is applied.
 */

export type AddressKind = "public" | "metadata" | "loopback" | "private" | "link-local" | "unspecified" | "multicast" | "reserved";

/** Kinds that `LOUPE_LLM_ALLOW_PRIVATE=true` opens: where a local vLLM, Ollama or the stub listens. */
const OPENED_BY_ALLOW_PRIVATE: ReadonlySet<AddressKind> = new Set(["loopback", "private", "link-local", "unspecified"]);

// First match wins, so the metadata endpoints come before the link-local and private ranges they sit in.
const RANGES: [AddressKind, "ipv4" | "ipv6", string, number][] = [
  ["metadata", "ipv4", "169.254.169.254", 32], // AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack
  ["metadata", "ipv4", "169.254.170.2", 32], // AWS ECS task credentials
  ["metadata", "ipv4", "100.100.100.200", 32], // Alibaba Cloud
  ["metadata", "ipv4", "192.0.0.192", 32], // Oracle Cloud (classic)
  ["metadata", "ipv6", "fd00:ec2::254", 128], // AWS over IPv6
  ["unspecified", "ipv4", "0.0.0.0", 8],
  ["loopback", "ipv4", "127.0.0.0", 8],
  ["private", "ipv4", "10.0.0.0", 8],
  ["private", "ipv4", "172.16.0.0", 12],
  ["private", "ipv4", "192.168.0.0", 16],
  ["private", "ipv4", "100.64.0.0", 10], // carrier-grade NAT, used inside clouds and tailnets
  ["link-local", "ipv4", "169.254.0.0", 16],
  ["multicast", "ipv4", "224.0.0.0", 4],
  ["reserved", "ipv4", "240.0.0.0", 4], // includes 255.255.255.255
  ["reserved", "ipv4", "192.0.0.0", 24],
  ["reserved", "ipv4", "192.0.2.0", 24],
  ["reserved", "ipv4", "198.18.0.0", 15],
  ["reserved", "ipv4", "198.51.100.0", 24],
  ["reserved", "ipv4", "203.0.113.0", 24],
  ["unspecified", "ipv6", "::", 128],
  ["loopback", "ipv6", "::1", 128],
  ["private", "ipv6", "fc00::", 7],
  ["private", "ipv6", "fec0::", 10], // site-local (deprecated, still routed by some networks)
  ["private", "ipv6", "64:ff9b:1::", 48], // local-use NAT64
  ["link-local", "ipv6", "fe80::", 10],
  ["multicast", "ipv6", "ff00::", 8],
  ["reserved", "ipv6", "100::", 64],
  ["reserved", "ipv6", "2001:db8::", 32],
];

const lists = RANGES.map(([kind, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { kind, family, list };
});

/**
 * Cloud metadata services by name. Their addresses are listed above too; the names are refused
 * before any lookup so a resolver that maps them elsewhere changes nothing.
 */
const METADATA_HOSTNAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.internal"]);

/** The kind of an IP address (v4, or v6 with any zone id), looking through IPv6 forms that carry an IPv4 address. */
export function classifyAddress(address: string): AddressKind {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(ip)) return kindOf(ip, "ipv4");
  if (!isIPv6(ip)) return "reserved";
  const embedded = embeddedIPv4(ip);
  if (embedded) {
    const inner = kindOf(embedded, "ipv4");
    if (inner !== "public") return inner;
  }
  return kindOf(ip, "ipv6");
}

function kindOf(ip: string, family: "ipv4" | "ipv6"): AddressKind {
  for (const entry of lists) {
    // why: BlockList matches an IPv4 rule for an IPv4-mapped IPv6 address (::ffff:a.b.c.d) on its
    // own; the family check keeps plain IPv6 rules from being asked about IPv4 addresses.
    if ((entry.family === family || family === "ipv6") && entry.list.check(ip, family)) return entry.kind;
  }
  return "public";
}

/**
 * The IPv4 address inside an IPv6 one, for the forms that route to it: IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIPv4(ipv6: string): string | undefined {
  const groups = expandIPv6(ipv6);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 6) && (groups[6]! !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (accepting `::` and a trailing dotted IPv4). */
function expandIPv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

export function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(normalizeHostname(hostname));
}

/** Lower case, without the brackets of an IPv6 literal or a trailing root dot. */
export function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.+$/, "");
}

export type AddressPolicy = {
  allowPrivate: boolean;
  /** The setting that opens private addresses, named in refusals (default LOUPE_LLM_ALLOW_PRIVATE). */
  allowPrivateSetting?: string;
};

const DESCRIPTIONS: Record<Exclude<AddressKind, "public">, string> = {
  metadata: "a cloud metadata service",
  loopback: "a loopback address",
  private: "a private-network address",
  "link-local": "a link-local address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved address",
};

/**
 * Why a request to this address is refused under the policy, or null when it may go ahead.
 * Metadata services stay refused even with `allowPrivate` (see ADR 0011).
 */
export function refusalFor(address: string, policy: AddressPolicy): string | null {
  const kind = classifyAddress(address);
  if (kind === "public") return null;
  if (policy.allowPrivate && OPENED_BY_ALLOW_PRIVATE.has(kind)) return null;
  const opener = OPENED_BY_ALLOW_PRIVATE.has(kind) ? ` (set ${policy.allowPrivateSetting ?? "LOUPE_LLM_ALLOW_PRIVATE"}=true to allow private and local addresses)` : "";
  return `${address} is ${DESCRIPTIONS[kind]}${opener}`;
}
