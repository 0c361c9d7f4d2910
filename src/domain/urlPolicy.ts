/**
 * Turning a user's URL into the exact url_address VICIdial will store unchanged.
 *
 * VICIdial URL-decodes every field once and then silently drops every
 * character outside `letters digits space - % = + . : / @ ? & _` from
 * url_address (docs/vicidial-behaviour.md §6). So whatever we hand to the client (which
 * encodes it once on the wire) must already consist of those characters only,
 * or the stored URL differs from the one the person asked for. We fix what can
 * be fixed without changing the meaning (percent-encoding in the path and
 * query, with a warning each) and refuse the rest with a corrected value.
 */
import { invalidInput } from "../common/errors.js";
import { enforcePolicy, type UrlPolicy } from "./hostPolicy.js";

export type { UrlPolicy };

export interface PreparedUrl {
  /** The exact value to store: what VICIdial will keep unchanged. */
  url: string;
  warnings: string[];
}

export const URL_MIN_LENGTH = 5;
export const URL_MAX_LENGTH = 65000;

/** Model of VICIdial's url_address sanitising (after its single URL-decode). */
export function stripLikeVicidial(value: string): string {
  return value.replace(/[^A-Za-z0-9 \-%=+.:/@?&_]/g, "");
}

// Left as they are in the path and query: kept by VICIdial and meaningful in a
// URL. Space is kept by VICIdial but is not valid in a URL, so it is encoded.
const SAFE_IN_PATH = /^[A-Za-z0-9\-._:/@?&=+]$/;
const HOST_CHARS = /^[A-Za-z0-9.-]*$/;
const TEMPLATE_MARKER = /--A--[A-Za-z0-9_]+--B--/gi;
// C0, DEL and C1 controls plus the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** A character as a person would recognise it in a message. */
export function describeChar(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === '"') return 'a double quote (")';
  if (ch === "\r") return "a carriage return (CR)";
  if (ch === "\n") return "a line break (LF)";
  if (ch === "\t") return "a tab";
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch)) return `"${ch}"`;
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Percent-encode one code point as its UTF-8 bytes, upper-case hex. */
export function percentEncodeChar(ch: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(ch)) out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  return out;
}

/**
 * Drop the user information (user, user:password or a token before "@") from
 * text echoed back in an error: it is a secret, and the check that refuses
 * it comes after others that quote the URL.
 */
function scrub(s: string): string {
  return s.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/*)?[^/?#]*@/, "$1");
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function uniqueChars(s: string, test: (ch: string) => boolean): string[] {
  const seen: string[] = [];
  for (const ch of s) if (test(ch) && !seen.includes(ch)) seen.push(ch);
  return seen;
}

function listChars(chars: string[]): string {
  return chars.map(describeChar).join(", ");
}

/**
 * Percent-encode what VICIdial would drop; one warning per distinct change.
 * Valid `%XX` escapes are kept as they are (they already mean something).
 */
function encodePart(part: string, where: string, safe: RegExp, warnings: Map<string, string>): string {
  const chars = Array.from(part);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "%") {
      const next2 = (chars[i + 1] ?? "") + (chars[i + 2] ?? "");
      if (/^[0-9A-Fa-f]{2}$/.test(next2)) {
        out += ch;
      } else {
        out += "%25";
        warnings.set(
          `${where}:%`,
          `encoded a "%" that does not start a %XX escape as %25 in the ${where}, so it reaches the target as a percent sign`,
        );
      }
      continue;
    }
    if (safe.test(ch)) {
      out += ch;
      continue;
    }
    const enc = percentEncodeChar(ch);
    out += enc;
    warnings.set(`${where}:${ch}`, `encoded ${describeChar(ch)} as ${enc} in the ${where} so VICIdial does not drop it`);
  }
  return out;
}

/** Guess a full address for an input that lacks http(s)://. */
function suggestWithScheme(s: string): string | null {
  const wrongSlashes = /^(https?):\/*(.*)$/i.exec(s);
  if (wrongSlashes) return `${wrongSlashes[1]!.toLowerCase()}://${wrongSlashes[2]!.replace(/^\/+/, "")}`;
  if (s.startsWith("//")) return `https:${s}`;
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?([/?].*)?$/.test(s)) return `https://${s}`;
  return null;
}

/** The https form of a URL, prepared when possible, for a fix message. */
function httpsSuggestion(url: string, policy: UrlPolicy, field: string): string {
  try {
    return prepareAltUrl(url, policy, field).url;
  } catch {
    return scrub(url);
  }
}

/**
 * Validate and prepare an Alt URL. Returns the exact url_address to send
 * (VICIdial keeps it unchanged) plus warnings for each change made; throws
 * ToolError INVALID_INPUT naming `field` with a corrected value where one
 * can be given.
 */
export function prepareAltUrl(input: string, policy: UrlPolicy, field = "url"): PreparedUrl {
  const warnings = new Map<string, string>();
  if (typeof input !== "string") {
    throw invalidInput(
      field,
      "must be a text value holding a web address.",
      'Give the full address, e.g. "https://crm.example.com/dispo?lead=--A--lead_id--B--".',
    );
  }

  // Leading/trailing spaces are never meant (and URL parsers drop them too).
  const s = input.replace(/^ +| +$/g, "");
  if (s !== input) warnings.set("trim", "removed spaces at the start or end of the URL");
  if (s === "") {
    throw invalidInput(field, "is empty.", 'Give the full address, e.g. "https://crm.example.com/dispo?lead=--A--lead_id--B--".');
  }
  if (hasLoneSurrogate(s)) {
    throw invalidInput(
      field,
      "holds broken Unicode text (a lone surrogate).",
      "Retype the URL as plain text; non-ASCII letters are fine and will be percent-encoded.",
    );
  }

  const controls = uniqueChars(s, (ch) => CONTROL.test(ch));
  if (controls.length > 0) {
    const fixed = s.replace(new RegExp(CONTROL.source, "g"), "");
    throw invalidInput(
      field,
      `contains ${listChars(controls)}; line breaks, tabs and other control characters are never allowed in a URL.`,
      `Remove them: "${scrub(fixed)}".`,
    );
  }
  if (s.includes("\\")) {
    throw invalidInput(
      field,
      'contains a backslash ("\\"), which VICIdial drops.',
      `Use "/" if it separates path parts ("${scrub(s.replace(/\\/g, "/"))}"), or write it as %5C if the target really needs a backslash.`,
    );
  }

  // `VARhttp://...` is the old web-form prefix; VICIdial strips it from Alt URLs.
  const varPrefix = /^VAR(https?:.*)$/is.exec(s);
  if (varPrefix) {
    throw invalidInput(
      field,
      'starts with "VAR", an old VICIdial prefix that VICIdial removes; template variables are replaced without it.',
      `Leave it out: "${scrub(varPrefix[1]!)}".`,
    );
  }

  const m = /^(https?):\/\/(.*)$/is.exec(s);
  if (!m) {
    // "user:password@host" without a scheme would otherwise be read as the scheme "user:".
    const credentials = /^[^/?#]*@/.exec(s);
    if (credentials) {
      throw invalidInput(
        field,
        "is not an https:// or http:// address, and holds user information before the host (user@, user:password@ or token@), which an Alt URL never may: VICIdial stores and logs it.",
        `Use "https://${s.slice(credentials[0].length)}"; if the target needs a credential, have it accept a token parameter it can check instead.`,
      );
    }
    const suggestion = suggestWithScheme(s);
    const otherScheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
    if (suggestion !== null) {
      throw invalidInput(
        field,
        "must be a full address starting with https:// or http://; without it VICIdial treats the text as a path on its own web server.",
        `Use "${scrub(suggestion)}".`,
      );
    }
    if (otherScheme && !/^https?$/i.test(otherScheme[1]!)) {
      throw invalidInput(
        field,
        `uses "${otherScheme[1]}:", but VICIdial only fetches http:// and https:// addresses.`,
        'Give an https:// (or http://) address, e.g. "https://crm.example.com/dispo?lead=--A--lead_id--B--".',
      );
    }
    const example = s.startsWith("/") ? `https://crm.example.com${s}` : "https://crm.example.com/dispo?lead=--A--lead_id--B--";
    throw invalidInput(
      field,
      "must be a full address starting with https:// or http://; without it VICIdial treats the text as a path on its own web server.",
      `Give the scheme and host name of the server to call, e.g. "${example}".`,
    );
  }
  const schemeTyped = m[1]!;
  const scheme = schemeTyped.toLowerCase();
  if (schemeTyped !== scheme) warnings.set("scheme", `wrote the scheme "${schemeTyped}" in lower case as "${scheme}"`);
  let rest = m[2]!;

  // A fragment never reaches the target, and VICIdial would drop the "#" and
  // glue the fragment onto the query.
  const hashAt = rest.indexOf("#");
  if (hashAt >= 0) {
    const withoutFragment = `${scheme}://${rest.slice(0, hashAt)}`;
    let suggestion = withoutFragment;
    try {
      suggestion = prepareAltUrl(withoutFragment, policy, field).url;
    } catch {
      // keep the plain suggestion; the next attempt will explain what else is wrong
    }
    throw invalidInput(
      field,
      `contains a "#" fragment ("${rest.slice(hashAt)}"); it is never sent to the target, and VICIdial would drop the "#" and glue the rest onto the query.`,
      `Remove the fragment: "${scrub(suggestion)}".`,
    );
  }

  const authEnd = rest.search(/[/?]/);
  const authority = authEnd < 0 ? rest : rest.slice(0, authEnd);
  rest = authEnd < 0 ? "" : rest.slice(authEnd);

  const at = authority.lastIndexOf("@");
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const rebuild = (hp: string) => `${scheme}://${hp}${rest}`;

  if (at >= 0) {
    // Any user information is a credential (a user name, user:password, or a token alone); never quote it.
    const without = rebuild(hostPort);
    throw invalidInput(
      field,
      "contains user information before the host (user@, user:password@ or token@); VICIdial stores and logs the URLs it fetches, so it would be exposed.",
      `Remove it: "${without}". If the target needs a credential, have it accept a token parameter it can check instead, e.g. "${without}${without.includes("?") ? "&" : "?"}token=YOUR_TOKEN".`,
    );
  }

  if (hostPort.startsWith("[")) {
    throw invalidInput(
      field,
      "uses an IPv6 address in brackets; VICIdial drops the brackets, which breaks the address.",
      "Use a host name (a DNS name that resolves to that IPv6 address) or an IPv4 address.",
    );
  }
  let host = hostPort;
  let port: string | null = null;
  const colon = hostPort.lastIndexOf(":");
  if (colon >= 0) {
    host = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }

  if (host === "") {
    throw invalidInput(
      field,
      "has no host name after the scheme.",
      'Give the host of the server to call, e.g. "https://crm.example.com/dispo".',
    );
  }
  if (/[^\x00-\x7F]/.test(host)) {
    let puny: string | null = null;
    try {
      puny = new URL(`${scheme}://${host}/`).hostname;
    } catch {
      puny = null;
    }
    if (puny !== null && HOST_CHARS.test(puny)) {
      throw invalidInput(
        field,
        `has a non-ASCII host name ("${host}"); VICIdial drops every non-ASCII character.`,
        `Use the host's ASCII (punycode) form: "${rebuild(puny + (port === null ? "" : ":" + port))}".`,
      );
    }
    throw invalidInput(
      field,
      `has a host name VICIdial cannot store ("${host}").`,
      'Use the host\'s plain ASCII name (letters, digits, "-" and ".").',
    );
  }
  // Markers such as --A--server_ip--B-- may stand for the host; check the rest.
  const hostLiteral = host.replace(TEMPLATE_MARKER, "");
  const badHost = uniqueChars(hostLiteral, (ch) => !HOST_CHARS.test(ch));
  if (badHost.length > 0) {
    throw invalidInput(
      field,
      `has ${listChars(badHost)} in the host name "${host}"; a host name may only hold letters, digits, "-" and ".", and VICIdial would drop the rest.`,
      'Correct the host name, e.g. "https://crm.example.com/dispo".',
    );
  }
  if (port !== null && port !== "" && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw invalidInput(
      field,
      `has an invalid port ":${port}" (must be a number from 1 to 65535).`,
      `Correct or remove the port: "${rebuild(host)}".`,
    );
  }

  enforcePolicy({ scheme, host, httpsForm: () => httpsSuggestion(`https://${m[2]!}`, policy, field) }, policy, field);

  const qAt = rest.indexOf("?");
  const path = qAt < 0 ? rest : rest.slice(0, qAt);
  const query = qAt < 0 ? null : rest.slice(qAt + 1);
  const encPath = encodePart(path, "path", SAFE_IN_PATH, warnings);
  const encQuery = query === null ? null : encodePart(query, "query", SAFE_IN_PATH, warnings);
  const url = `${scheme}://${hostPort}${encPath}${encQuery === null ? "" : "?" + encQuery}`;

  if (url.length < URL_MIN_LENGTH || url.length > URL_MAX_LENGTH) {
    throw invalidInput(
      field,
      `is ${url.length} characters long once prepared; VICIdial accepts ${URL_MIN_LENGTH} to ${URL_MAX_LENGTH}.`,
      "Shorten the URL (for example move fixed values into the target's own settings).",
    );
  }
  try {
    new URL(url);
  } catch {
    throw invalidInput(
      field,
      `is not a valid web address ("${url}").`,
      'Check the host name and port, e.g. "https://crm.example.com:8443/dispo".',
    );
  }
  // Invariant: VICIdial stores exactly this.
  if (stripLikeVicidial(url) !== url) {
    const lost = uniqueChars(url, (ch) => stripLikeVicidial(ch) === "");
    throw invalidInput(field, `would lose ${listChars(lost)} when VICIdial stores it.`, "Remove those characters.");
  }
  return { url, warnings: [...warnings.values()] };
}
