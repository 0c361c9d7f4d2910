/**
 * What every HTTP request passes before it reaches MCP: the Host and Origin
 * checks against DNS rebinding, and the credential check that says who the
 * caller is. The caller's `actor` is what a session remembers, so a session
 * created with one credential is never used with another.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { ConfigError, isLoopbackHost } from "../config/env.js";
import type { ProtectedResource } from "./protectedResource.js";

/** JSON-RPC code the SDK uses for transport-level refusals. */
export const TRANSPORT_ERROR = -32000;

export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** Who sent a request, as far as this server can tell. */
export interface Caller {
  /** `token` for MCP_HTTP_TOKEN, `anonymous` on loopback without a token, an OAuth token's subject (oauth.ts). */
  actor: string;
  /** Reaches tool handlers as `extra.authInfo`; never holds the shared secret itself. */
  authInfo: AuthInfo;
}

/** Turns a request's credentials into a caller, or the refusal to answer. */
export interface Authenticator {
  /** True when every request must carry a credential (required to listen beyond loopback). */
  readonly requiresCredential: boolean;
  identify(req: http.IncomingMessage): Caller | Refusal | Promise<Caller | Refusal>;
  /** With OAuth: the protected resource metadata to serve and to point 401 and 403 answers to. */
  readonly resource?: ProtectedResource;
  /** Called once at start (OAuth reads the issuer's metadata then, so a mistake shows in the log at once). */
  warmUp?(): Promise<void>;
}

export function isRefusal(x: Caller | Refusal): x is Refusal {
  return "status" in x;
}

export function callerFor(actor: string): Caller {
  return { actor, authInfo: { token: "", clientId: actor, scopes: [], extra: { actor } } };
}

/** The token in force: the option, else MCP_HTTP_TOKEN; surrounding blanks never count. */
export function resolveToken(opts: { token?: string }, env: NodeJS.ProcessEnv = process.env): string {
  return (opts.token ?? env.MCP_HTTP_TOKEN ?? "").trim();
}

export function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer value of an Authorization header, or null. */
export function bearerOf(req: http.IncomingMessage): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return m ? m[1]!.trim() : null;
}

/** MCP_HTTP_TOKEN: one shared secret (actor `token`); without one, everybody on loopback is `anonymous`. */
export function tokenAuthenticator(token: string): Authenticator {
  const withToken = callerFor("token");
  const anonymous = callerFor("anonymous");
  return {
    requiresCredential: token !== "",
    identify(req) {
      if (!token) return anonymous;
      const given = bearerOf(req);
      if (given === null || !sameSecret(given, token)) {
        return {
          status: 401,
          message: "Unauthorized: send Authorization: Bearer <MCP_HTTP_TOKEN>",
          headers: { "www-authenticate": 'Bearer realm="vicidial-alturl-mcp"' },
        };
      }
      return withToken;
    },
  };
}

/**
 * Refuses, before anything starts, to listen beyond loopback without a
 * credential: anyone who can reach the port could otherwise change the call
 * centre's Alt URLs.
 */
export function assertHttpExposureAllowed(host: string, token: string): void {
  assertExposure(host, token !== "");
}

export function assertExposure(host: string, requiresCredential: boolean): void {
  if (!isLoopbackHost(host) && !requiresCredential) {
    throw new ConfigError(
      "MCP_HTTP_TOKEN",
      `required to listen on ${host} (beyond loopback): set it to a long random secret (or set MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE), or use --host 127.0.0.1`,
    );
  }
}

export function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** host[:port] names that mean this server when bound to loopback. */
function loopbackNames(boundHost: string, port: number): Set<string> {
  const names = ["localhost", "127.0.0.1", "[::1]", bracketed(boundHost.toLowerCase())];
  return new Set(names.flatMap((n) => [n, `${n}:${port}`]));
}

/** Why a request's Host or Origin shows it was not meant for this server (DNS rebinding), or null. */
export function checkHostAndOrigin(req: http.IncomingMessage, bound: { host: string; port: number }): Refusal | null {
  const loopback = isLoopbackHost(bound.host);
  const host = (req.headers.host ?? "").toLowerCase();
  // Beyond loopback the Host is whatever name the operator gave the machine; the credential guards it.
  if (loopback && !loopbackNames(bound.host, bound.port).has(host)) {
    return { status: 403, message: `Forbidden: Host header "${host}" does not name this server` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost = "";
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      /* an unparsable Origin (including "null") is foreign */
    }
    const ok = loopback ? loopbackNames(bound.host, bound.port).has(originHost) : originHost === host;
    if (!ok) return { status: 403, message: "Forbidden: foreign Origin" };
  }
  return null;
}

/** A JSON-RPC error answer from the transport; `id` is null unless the request's id is known. */
export function refuse(
  res: http.ServerResponse,
  refusal: Refusal,
  id: string | number | null = null,
  code: number = TRANSPORT_ERROR,
): void {
  res.writeHead(refusal.status, { "content-type": "application/json", ...refusal.headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message: refusal.message }, id }));
}
