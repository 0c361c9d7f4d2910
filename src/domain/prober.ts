/**
 * The prober behind test_alt_url: request a URL once the way VICIdial would
 * (GET, redirects followed), fenced by the address policy: every hop checked
 * against the allowed hosts and the private-address rule, the connection
 * pinned to the address that was checked (DNS cannot answer differently
 * between the check and the connect), time and body bounded. `allowPrivate`
 * covers only the address the person named (the first hop): a redirect into
 * a private, loopback, link-local or metadata address is never followed, or
 * any web server could use this server to reach the network it sits in.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { loadUndici } from "../client/transport.js";
import { invalidInput } from "../common/errors.js";
import { classifyAddress } from "./addressPolicy.js";
import { hostAllowed } from "./hostPolicy.js";

export const USER_AGENT = "VICIdial-Alt-URL-check (vicidial-alturl-mcp; like VICIdial's PHP fetch)";
const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 64 * 1024;
const PREVIEW_CHARS = 500;

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface AltUrlCheckInput {
  url: string;
  /** Allow a private address for the URL given; never for a redirect. */
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
  async function vet(url: URL, input: AltUrlCheckInput, hop: number, signal: AbortSignal): Promise<{ address: string; family: number }> {
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
    if (local.length && hop > 0) {
      const which = local.map((a) => `${a.address} (${a.why})`).join(", ");
      throw new HopRefused(
        "allow_private",
        `${host} resolves to ${which}, which is not a public internet address; redirects are never followed into private networks, even with allow_private.`,
        "Test the redirect's target directly if it is deliberately an internal server (allow_private covers only the URL you give), or have the target stop redirecting there.",
      );
    }
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
          pinned = await vet(current, input, hop, controller.signal);
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
