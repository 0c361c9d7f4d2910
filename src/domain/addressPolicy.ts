/**
 * Which addresses are not on the public internet. test_alt_url refuses them
 * (unless the person allows private targets for the first hop) so this
 * server cannot be used to reach the network it sits in.
 */

function v4(ip: string): number[] | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function v4Category(b: number[]): string | null {
  const [a = 0, c = 0] = b;
  if (a === 0) return "unspecified (0.0.0.0/8)";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return "private";
  if (a === 169 && c === 254) return "link-local";
  if (a === 100 && c >= 64 && c <= 127) return "carrier-grade NAT (100.64.0.0/10)";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved or broadcast";
  if ((a === 192 && c === 0 && b[2] === 0) || (a === 198 && (c === 18 || c === 19))) return "reserved";
  return null;
}

/** Eight 16-bit groups, or null when not an IPv6 address. */
function v6(ip: string): number[] | null {
  let s = ip.replace(/^\[|\]$/g, "").split("%")[0]!;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = v4(dotted[2]!);
    if (!b) return null;
    tail.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === "" ? [] : h.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const given = head.length + rest.length + tail.length;
  if (head.some(Number.isNaN) || rest.some(Number.isNaN) || given > 8 || (halves.length === 1 && given !== 8)) return null;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

/** Why an address is not on the public internet, or null when it is public. */
export function classifyAddress(ip: string): string | null {
  const b4 = v4(ip);
  if (b4) return v4Category(b4);
  const g = v6(ip);
  if (!g) return "not a valid address";
  const embedded = (hi: number, lo: number) => v4Category([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8)) return "unspecified (::)";
  if (zeros(7) && g[7] === 1) return "loopback";
  if (zeros(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!) ?? null; // IPv4-mapped
  if (zeros(6)) return embedded(g[6]!, g[7]!) ?? null; // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!); // 6to4
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  return null;
}
