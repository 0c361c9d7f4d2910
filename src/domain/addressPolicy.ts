/**
 * Which addresses are not on the public internet. test_alt_url refuses them
 * (unless the person allows private targets for the first hop) so this
 * server cannot be used to reach the network it sits in.
 *
 * The rule is "global or not": every block of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries that is not globally reachable counts as
 * private (documentation and benchmarking ranges included), and so does every
 * address of this machine's own interfaces, public or not (a service bound to
 * 0.0.0.0 answers on them). IPv6 forms that carry an IPv4 address are private
 * as a whole, except 6to4, whose embedded IPv4 address is judged.
 */
import os from "node:os";

interface Block {
  /** The first address of the block as a number (IPv4: 32 bits, IPv6: 128 bits). */
  base: bigint;
  bits: number;
  why: string;
}

function v4Number(ip: string): bigint | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/** The 128-bit value of an IPv6 address (brackets and a %zone allowed), or null. */
function v6Number(ip: string): bigint | null {
  let s = ip.replace(/^\[|\]$/g, "").split("%")[0]!;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = v4Number(dotted[2]!);
    if (b === null) return null;
    tail.push(Number(b >> 16n), Number(b & 0xffffn));
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === "" ? [] : h.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const given = head.length + rest.length + tail.length;
  if (head.some(Number.isNaN) || rest.some(Number.isNaN) || given > 8 || (halves.length === 1 && given !== 8)) return null;
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

function blocks(width: 32 | 128, table: [string, string][]): Block[] {
  return table.map(([cidr, why]) => {
    const [addr, bits] = cidr.split("/");
    const base = width === 32 ? v4Number(addr!) : v6Number(addr!);
    if (base === null) throw new Error(`bad block ${cidr}`);
    return { base, bits: Number(bits), why };
  });
}

function inBlock(n: bigint, width: number, b: Block): boolean {
  const shift = BigInt(width - b.bits);
  return n >> shift === b.base >> shift;
}

/** IPv4 blocks that are not globally reachable (IANA registry, plus multicast and 240/4), most specific first. */
const V4_BLOCKS = blocks(32, [
  ["169.254.169.254/32", "link-local (the cloud metadata service)"],
  ["255.255.255.255/32", "reserved or broadcast"],
  ["0.0.0.0/8", "unspecified (0.0.0.0/8)"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved for IETF protocols (192.0.0.0/24)"],
  ["192.0.2.0/24", "documentation (192.0.2.0/24)"],
  ["192.88.99.0/24", "former 6to4 relay anycast (192.88.99.0/24)"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking (198.18.0.0/15)"],
  ["198.51.100.0/24", "documentation (198.51.100.0/24)"],
  ["203.0.113.0/24", "documentation (203.0.113.0/24)"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved or broadcast"],
]);

/** IPv6 blocks that are not globally reachable; 2002::/16 (6to4) is judged by its IPv4 address instead. */
const V6_BLOCKS = blocks(128, [
  ["::/128", "unspecified (::)"],
  ["::1/128", "loopback"],
  ["::ffff:0:0/96", "IPv4-mapped (::ffff:0:0/96)"],
  ["::/96", "IPv4-compatible, deprecated (::/96)"],
  ["64:ff9b::/96", "IPv4/IPv6 translation (64:ff9b::/96)"],
  ["64:ff9b:1::/48", "local IPv4/IPv6 translation (64:ff9b:1::/48)"],
  ["100::/64", "discard-only (100::/64)"],
  ["100:0:0:1::/64", "dummy prefix (100:0:0:1::/64)"],
  ["2001::/32", "Teredo tunnel (2001::/32)"],
  ["2001::/23", "reserved for IETF protocols (2001::/23)"],
  ["2001:db8::/32", "documentation (2001:db8::/32)"],
  ["3fff::/20", "documentation (3fff::/20)"],
  ["5f00::/16", "segment routing (5f00::/16)"],
  ["fc00::/7", "unique-local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["ff00::/8", "multicast"],
  // Everything outside 2000::/3 is unassigned or special: never a public host.
  ["::/0", "not in the global unicast range (2000::/3)"],
]);
const GLOBAL_UNICAST = blocks(128, [["2000::/3", ""]])[0]!;
const SIX_TO_FOUR = blocks(128, [["2002::/16", ""]])[0]!;

function v4Why(n: bigint): string | null {
  return V4_BLOCKS.find((b) => inBlock(n, 32, b))?.why ?? null;
}

/** Why an address is not global by the registries alone (ignoring this machine's own addresses). */
function registryWhy(ip: string): string | null {
  const n4 = v4Number(ip);
  if (n4 !== null) return v4Why(n4);
  const n6 = v6Number(ip);
  if (n6 === null) return "not a valid address";
  if (inBlock(n6, 128, SIX_TO_FOUR)) {
    const embedded = (n6 >> 80n) & 0xffffffffn;
    const why = v4Why(embedded);
    return why === null ? null : `6to4 for a ${why} IPv4 address`;
  }
  const special = V6_BLOCKS.filter((b) => b.bits > 0 || !inBlock(n6, 128, GLOBAL_UNICAST));
  return special.find((b) => inBlock(n6, 128, b))?.why ?? null;
}

/** One address as a comparable key: IPv4 as its dotted number, IPv6 as its 128-bit value. */
function addressKey(ip: string): string | null {
  const n4 = v4Number(ip);
  if (n4 !== null) return `4:${n4}`;
  const n6 = v6Number(ip);
  return n6 === null ? null : `6:${n6}`;
}

export type InterfaceLister = () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;

export interface AddressClassifierOptions {
  /** This machine's interfaces, read at every check (addresses can change while the server runs). */
  interfaces?: InterfaceLister;
}

/** A classifier: why an address is not on the public internet, or null when it is public. */
export function createAddressClassifier(opts: AddressClassifierOptions = {}): (ip: string) => string | null {
  const interfaces = opts.interfaces ?? os.networkInterfaces;
  return (ip) => {
    const why = registryWhy(ip);
    if (why !== null) return why;
    const key = addressKey(ip);
    let own: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
    try {
      own = interfaces();
    } catch {
      // Some containers cannot list interfaces; the registry rules above still hold.
    }
    for (const [name, infos] of Object.entries(own)) {
      if (infos?.some((i) => addressKey(i.address) === key)) return `an address of this machine (interface ${name})`;
    }
    return null;
  };
}

/** Why an address is not on the public internet, or null when it is public. */
export const classifyAddress = createAddressClassifier();
