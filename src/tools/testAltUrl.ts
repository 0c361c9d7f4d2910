/**
 * test_alt_url: fill an Alt URL's template variables from a sample lead and
 * request it once the way VICIdial would (GET, values URL-encoded), so a
 * person can see the target answers before going live.
 *
 * This server may sit inside a trusted network, so the request is fenced:
 * only hosts VICIDIAL_ALLOWED_URL_HOSTS allows; no private, loopback or other
 * local address unless allow_private; every redirect hop checked again; the
 * connection pinned to the address that was checked (DNS cannot answer
 * differently between the check and the connect); bounded time and body.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { z } from "zod";
import { invalidInput } from "../client/errors.js";
import { loadUndici } from "../client/http.js";
import { checkTemplate, fillTemplate } from "../core/templateVars.js";
import { hostAllowed, prepareAltUrl } from "../core/urlPolicy.js";
import { findById, readAltUrls } from "./altUrlOps.js";
import { withWarnings } from "./format.js";
import { defineTool } from "./framework.js";
import { altUrlId, campaignId, urlType, warningsSchema } from "./schemas.js";

export const USER_AGENT = "VICIdial-Alt-URL-check (vicidial-alturl-mcp; like VICIdial's PHP fetch)";
const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 64 * 1024;
const PREVIEW_CHARS = 500;
const NOTE =
  "VICIdial fetches Alt URLs from its own server and network, which may see a different answer (other DNS, firewalls, IP allow-lists at the target).";

// ---- which addresses are not public ---------------------------------------

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

// ---- the request ----------------------------------------------------------

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface AltUrlCheckInput {
  url: string;
  allowPrivate: boolean;
  timeoutMs: number;
  requireHttps: boolean;
  allowedHosts: string[] | null;
}

export interface AltUrlCheckResult {
  status: number | null;
  ok: boolean;
  time_ms: number;
  redirects: { status: number; location: string }[];
  final_url: string;
  address: string | null;
  tls_error: string | null;
  content_type: string | null;
  body_preview: string;
  body_bytes: number;
  body_truncated: boolean;
  failure:
    | "TIMEOUT"
    | "DNS_FAILED"
    | "CONNECTION_REFUSED"
    | "CONNECTION_FAILED"
    | "TLS_ERROR"
    | "REDIRECT_REFUSED"
    | "TOO_MANY_REDIRECTS"
    | null;
  error_detail: string | null;
  stopped_at: string | null;
}

/** A hop the policy refuses: INVALID_INPUT for the URL given, a stopped result for a redirect. */
class HopRefused extends Error {
  constructor(
    readonly field: "url" | "allow_private",
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

type Failure = Exclude<AltUrlCheckResult["failure"], null>;
class HopFailed extends Error {
  constructor(
    readonly failure: Failure,
    message: string,
    readonly tls: string | null = null,
  ) {
    super(message);
  }
}

const TLS_NAMES: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed (not issued by a trusted authority)",
  SELF_SIGNED_CERT_IN_CHAIN: "the certificate chain ends in a self-signed certificate that is not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate is for a different host name",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the certificate's issuer is unknown (the server may not send its intermediate certificate)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate's issuer is unknown (the server may not send its intermediate certificate)",
  CERT_REVOKED: "the server's certificate has been revoked",
};

function classifyError(err: unknown, timedOut: boolean, timeoutMs: number, url: string): HopFailed {
  if (err instanceof HopFailed) return err;
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? "";
  const msg = e.cause?.message ?? e.message ?? String(err);
  if (timedOut || code === "UND_ERR_CONNECT_TIMEOUT")
    return new HopFailed("TIMEOUT", `No complete answer from ${url} within ${timeoutMs} ms.`);
  if (code === "ECONNREFUSED")
    return new HopFailed("CONNECTION_REFUSED", `${url} refused the connection (nothing listens on that port, or a firewall rejects it).`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA")
    return new HopFailed("DNS_FAILED", `The host name of ${url} could not be resolved (${code}).`);
  if (TLS_NAMES[code] || /CERT|SSL|TLS/.test(code) || /certificate/i.test(msg)) {
    const name = TLS_NAMES[code] ?? `TLS problem: ${code || msg}`;
    return new HopFailed("TLS_ERROR", `HTTPS to ${url} failed: ${name}.`, name);
  }
  return new HopFailed("CONNECTION_FAILED", `The connection to ${url} failed: ${code || msg}.`);
}

/** Answer DNS with the one address already checked, so the connection goes exactly there. */
function pinnedLookup(address: string, family: number): LookupFunction {
  return ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

export function createAltUrlTester(deps: { lookup?: Resolver; classify?: (ip: string) => string | null; maxBodyBytes?: number } = {}) {
  const resolve = deps.lookup ?? systemResolver;
  const classify = deps.classify ?? classifyAddress;
  const maxBody = deps.maxBodyBytes ?? MAX_BODY_BYTES;

  /** Policy and address checks for one hop; returns the address to connect to. */
  async function vet(url: URL, input: AltUrlCheckInput, signal: AbortSignal): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new HopRefused("url", `${url.href} is not an http:// or https:// address.`, "Only web addresses can be tested.");
    if (input.requireHttps && url.protocol === "http:")
      throw new HopRefused(
        "url",
        `${url.href} uses plain http://, and this server requires https (VICIDIAL_REQUIRE_HTTPS=true).`,
        `Use https://${url.href.slice(7)}.`,
      );
    if (!hostAllowed(host, input.allowedHosts)) {
      throw new HopRefused(
        "url",
        `host "${host}" is not in VICIDIAL_ALLOWED_URL_HOSTS (${input.allowedHosts?.join(", ")}).`,
        `Use an allowed host, or ask whoever runs this server to add "${host}" to VICIDIAL_ALLOWED_URL_HOSTS.`,
      );
    }
    let addresses: { address: string; family: number }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      const tooSlow = () => new HopFailed("TIMEOUT", `Resolving ${host} took longer than the ${input.timeoutMs} ms allowed.`);
      if (signal.aborted) throw tooSlow();
      const aborted = new Promise<never>((_r, reject) => signal.addEventListener("abort", () => reject(tooSlow()), { once: true }));
      try {
        addresses = await Promise.race([resolve(host), aborted]);
      } catch (err) {
        if (err instanceof HopFailed) throw err;
        throw new HopFailed(
          "DNS_FAILED",
          `The host name "${host}" could not be resolved (${(err as { code?: string }).code ?? (err as Error).message}).`,
        );
      }
      if (addresses.length === 0) throw new HopFailed("DNS_FAILED", `The host name "${host}" has no address.`);
    }
    const local = addresses.map((a) => ({ ...a, why: classify(a.address) })).filter((a) => a.why !== null);
    if (local.length && !input.allowPrivate) {
      const which = local.map((a) => `${a.address} (${a.why})`).join(", ");
      throw new HopRefused(
        "allow_private",
        `${host} resolves to ${which}, which is not a public internet address.`,
        "If this is deliberately an internal server that VICIdial reaches on its own network, call again with allow_private: true; otherwise use the target's public address.",
      );
    }
    return addresses[0]!;
  }

  async function check(input: AltUrlCheckInput): Promise<AltUrlCheckResult> {
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), input.timeoutMs);
    const result: AltUrlCheckResult = {
      status: null,
      ok: false,
      time_ms: 0,
      redirects: [],
      final_url: input.url,
      address: null,
      tls_error: null,
      content_type: null,
      body_preview: "",
      body_bytes: 0,
      body_truncated: false,
      failure: null,
      error_detail: null,
      stopped_at: null,
    };
    let current = new URL(input.url);
    try {
      for (let hop = 0; ; hop++) {
        let pinned: { address: string; family: number };
        try {
          pinned = await vet(current, input, controller.signal);
        } catch (err) {
          if (!(err instanceof HopRefused) || hop === 0) throw err;
          result.failure = "REDIRECT_REFUSED";
          result.stopped_at = current.href;
          result.error_detail = `Stopped before following the redirect to ${current.href}: ${err.message}`;
          return result;
        }
        result.final_url = current.href;
        result.address = pinned.address;
        const { Agent, request } = await loadUndici();
        const agent = new Agent({
          connect: { lookup: pinnedLookup(pinned.address, pinned.family), timeout: Math.max(1, input.timeoutMs - (Date.now() - started)) },
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        try {
          const res = await request(current.href, {
            method: "GET",
            headers: { "user-agent": USER_AGENT, accept: "*/*" },
            dispatcher: agent,
            signal: controller.signal,
          });
          result.status = res.statusCode;
          const ct = res.headers["content-type"];
          result.content_type = (Array.isArray(ct) ? ct[0] : ct) ?? null;
          const loc = res.headers.location;
          const location = Array.isArray(loc) ? loc[0] : loc;
          if ([301, 302, 303, 307, 308].includes(res.statusCode) && location) {
            await res.body.dump().catch(() => undefined);
            let next: URL;
            try {
              next = new URL(location, current);
            } catch {
              result.failure = "REDIRECT_REFUSED";
              result.error_detail = `The redirect's Location "${location}" is not a valid address.`;
              return result;
            }
            result.redirects.push({ status: res.statusCode, location: next.href });
            if (result.redirects.length > MAX_REDIRECTS) {
              result.failure = "TOO_MANY_REDIRECTS";
              result.stopped_at = next.href;
              result.error_detail = `More than ${MAX_REDIRECTS} redirects; stopped before ${next.href}.`;
              return result;
            }
            current = next;
            continue;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of res.body) {
            const buf = chunk as Buffer;
            const room = maxBody - result.body_bytes;
            if (buf.length > room) {
              chunks.push(buf.subarray(0, room));
              result.body_bytes += room;
              result.body_truncated = true;
              break;
            }
            chunks.push(buf);
            result.body_bytes += buf.length;
          }
          // Control characters would garble the chat; line breaks and tabs stay.
          result.body_preview = Buffer.concat(chunks)
            .toString("utf8")
            .slice(0, PREVIEW_CHARS)
            .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
          result.ok = res.statusCode >= 200 && res.statusCode < 300;
          return result;
        } finally {
          void agent.destroy().catch(() => undefined);
        }
      }
    } catch (err) {
      if (err instanceof HopRefused) throw invalidInput(err.field, err.message, err.fix);
      const f = classifyError(err, controller.signal.aborted, input.timeoutMs, current.href);
      result.failure = f.failure;
      result.error_detail = f.message;
      result.tls_error = f.tls;
      result.ok = false;
      return result;
    } finally {
      clearTimeout(timer);
      result.time_ms = Date.now() - started;
    }
  }

  return { check };
}

const defaultTester = createAltUrlTester();

// ---- the tool ---------------------------------------------------------------

export const testAltUrl = defineTool({
  name: "test_alt_url",
  title: "Test an Alt URL once",
  description:
    'Check that an Alt URL\'s target answers before going live ("point Alt URLs at active, accessible pages"): fills the template variables --A--name--B-- from sample_lead (URL-encoded as VICIdial does) and requests the URL once with GET, reporting the HTTP status, time, redirects, final address, certificate problems and the start of the answer. Give url, or campaign_id + url_type + id of a stored Alt URL. The target may record the request as a real event, so use test data. Only hosts allowed by VICIDIAL_ALLOWED_URL_HOSTS; private, loopback and other local addresses only with allow_private: true; redirects into such addresses are never followed. VICIdial fetches from its own network, which may see a different answer.',
  inputSchema: {
    url: z
      .string()
      .optional()
      .describe(
        "The URL to test, template variables allowed, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--. Leave out to test a stored Alt URL by campaign_id and id",
      ),
    campaign_id: campaignId.optional().describe("With id: the campaign of the stored Alt URL to test"),
    url_type: urlType,
    id: altUrlId.optional().describe("With campaign_id: the stored Alt URL to test (from list_alt_urls)"),
    sample_lead: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'Values for template variables, e.g. {"lead_id": 1001, "dispo": "SALE", "phone_number": "3125550100"}; variables without a value are sent empty, as VICIdial would',
      ),
    allow_private: z
      .boolean()
      .default(false)
      .describe("true: allow private, loopback and other local addresses (an internal server VICIdial reaches on its own network)"),
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(30_000)
      .default(10_000)
      .describe("Time limit for the whole test, redirects included, in ms (at most 30000)"),
  },
  outputSchema: {
    requested_url: z.string().describe("The URL as requested, variables filled"),
    status: z.number().nullable().describe("HTTP status of the last answer (null when no answer came)"),
    ok: z.boolean().describe("True when the final answer was 2xx"),
    time_ms: z.number().describe("Time taken, redirects included"),
    redirects: z
      .array(z.object({ status: z.number().describe("Redirect status"), location: z.string().describe("Where it pointed") }))
      .describe("Redirects, in order"),
    final_url: z.string().describe("The last URL requested"),
    address: z.string().nullable().describe("The IP address connected to for the last request"),
    tls_error: z.string().nullable().describe("A certificate problem in plain words, or null"),
    content_type: z.string().nullable().describe("Content-Type of the last answer"),
    body_preview: z.string().describe("The first 500 characters of the answer"),
    body_bytes: z.number().describe("Bytes of the answer read (at most 64 KB)"),
    body_truncated: z.boolean().describe("True when the answer was longer than what was read"),
    failure: z
      .enum(["TIMEOUT", "DNS_FAILED", "CONNECTION_REFUSED", "CONNECTION_FAILED", "TLS_ERROR", "REDIRECT_REFUSED", "TOO_MANY_REDIRECTS"])
      .nullable()
      .describe("Why no usable answer came, or null"),
    error_detail: z.string().nullable().describe("The failure in words"),
    stopped_at: z.string().nullable().describe("A redirect target that was not followed"),
    missing_variables: z.array(z.string()).describe("Template variables sample_lead gave no value for (sent empty)"),
    note: z.string().describe("Why VICIdial may see a different answer"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  write: true,
  async handler(a, { services: s }) {
    const byId = a.campaign_id !== undefined || a.id !== undefined;
    if (a.url !== undefined && byId)
      throw invalidInput(
        "url",
        "was given together with campaign_id/id.",
        "Give either url, or campaign_id and id of a stored Alt URL, not both.",
      );
    if (a.url === undefined && !byId)
      throw invalidInput("url", "is missing.", "Give url, or campaign_id and id (from list_alt_urls) of a stored Alt URL.");
    if (byId && (a.campaign_id === undefined || a.id === undefined)) {
      const missing = a.campaign_id === undefined ? "campaign_id" : "id";
      throw invalidInput(missing, "is missing.", "To test a stored Alt URL give both campaign_id and id (from list_alt_urls).");
    }
    const warnings: string[] = [];
    let template = a.url ?? "";
    if (a.url === undefined) {
      const resolved = await s.campaigns.resolve(a.campaign_id!);
      warnings.push(...resolved.warnings);
      template = findById((await readAltUrls(s, resolved.id, a.url_type)).rows, a.id!, resolved.id, a.url_type).url;
    }
    const prepared = prepareAltUrl(template, { requireHttps: s.config.requireHttps, allowedHosts: s.config.allowedUrlHosts }, "url");
    warnings.push(...prepared.warnings, ...checkTemplate(prepared.url, { allowCredentialVariables: true }, "url").warnings);
    const filled = fillTemplate(prepared.url, a.sample_lead ?? {});
    try {
      new URL(filled.url);
    } catch {
      throw invalidInput(
        "sample_lead",
        `filling the variables gives "${filled.url}", which is not a valid address.`,
        "Check the values used in the host name or port.",
      );
    }
    const out = await defaultTester.check({
      url: filled.url,
      allowPrivate: a.allow_private,
      timeoutMs: a.timeout_ms,
      requireHttps: s.config.requireHttps,
      allowedHosts: s.config.allowedUrlHosts,
    });
    if (filled.missing.length) warnings.push(`No sample value for ${filled.missing.join(", ")}: sent empty.`);
    const hops = out.redirects.length
      ? ` after ${out.redirects.length} redirect${out.redirects.length > 1 ? "s" : ""} (${out.redirects.map((r) => `${r.status} -> ${r.location}`).join(", ")})`
      : "";
    const head =
      out.status !== null && out.failure === null
        ? `${filled.url} answered HTTP ${out.status}${hops} in ${out.time_ms} ms${out.ok ? "." : ": not a success status, so the target probably did not accept it."}`
        : `${filled.url}: ${out.error_detail ?? "no answer"}${out.status !== null ? ` (last status ${out.status}${hops})` : ""} after ${out.time_ms} ms.`;
    const preview = out.body_preview ? `\nAnswer starts: ${out.body_preview.slice(0, 200).replace(/\s+/g, " ")}` : "";
    return {
      structured: { requested_url: filled.url, ...out, missing_variables: filled.missing, note: NOTE, warnings },
      text: withWarnings(`${head}${preview}\n${NOTE}`, warnings),
    };
  },
});
