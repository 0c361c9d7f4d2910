/**
 * PHP-like request parameters: `+` is a space, %XX is decoded once, the last
 * duplicate of a name wins, and GET wins over POST for the same name (VICIdial
 * reads every field with `isset($_GET[x]) ... elseif isset($_POST[x])`).
 */

/** Decoded name/value pairs in the order they were sent. */
export type Pairs = [string, string][];

/** PHP's urldecode: `+` to space, valid %XX to a byte; invalid escapes stay literal. */
export function phpUrlDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "+") {
      bytes.push(0x20);
    } else if (ch === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, "utf8")) bytes.push(b);
    }
  }
  // PHP works on bytes; every sanitiser drops non-ASCII anyway, so decoding as
  // UTF-8 (bad sequences become U+FFFD, also dropped) gives the same result.
  return Buffer.from(bytes).toString("utf8");
}

/** Splits a query string or an x-www-form-urlencoded body like PHP's parse_str. */
export function parseQuery(raw: string): Pairs {
  const pairs: Pairs = [];
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    // PHP turns spaces and dots in variable names into underscores.
    const name = phpUrlDecode(rawName).replace(/^ +/, "").replace(/[ .]/g, "_");
    if (name === "") continue;
    pairs.push([name, phpUrlDecode(rawValue)]);
  }
  return pairs;
}

/** The request's parameters with VICIdial's lookup rule. */
export class RequestParams {
  private readonly get = new Map<string, string>();
  private readonly post = new Map<string, string>();

  constructor(
    readonly getPairs: Pairs,
    readonly postPairs: Pairs,
  ) {
    for (const [k, v] of getPairs) this.get.set(k, v);
    for (const [k, v] of postPairs) this.post.set(k, v);
  }

  /** The raw (decoded, unsanitised) value, or "" when not sent at all. */
  raw(name: string): string {
    return this.get.get(name) ?? this.post.get(name) ?? "";
  }

  has(name: string): boolean {
    return this.get.has(name) || this.post.has(name);
  }

  /** All pairs, GET first, for the request log. */
  all(): Pairs {
    return [...this.getPairs, ...this.postPairs];
  }
}

/** HTTP Basic credentials as PHP exposes them (PHP_AUTH_USER / PHP_AUTH_PW). */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}
