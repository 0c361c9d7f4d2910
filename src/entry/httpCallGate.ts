/**
 * What the HTTP entry decides about a request before its session sees it,
 * because only here can the answer still be an HTTP status (once a session
 * takes a tool call, the SDK answers 200 and the result travels in its body):
 *
 * - 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`
 *   for a call beyond the OAuth token's scopes (a tool, or a resource read
 *   without `alturl:read`), so an OAuth client can ask for the scope and retry;
 * - 429 with `Retry-After` for a write over the caller's rate limit.
 *
 * Both bodies are the JSON-RPC response the call would have had (its result
 * the contract's PERMISSION_DENIED or RATE_LIMITED), so a client that reads
 * the body learns the same as over stdio. The rules themselves are the
 * server's (server/toolAccess.ts); an admitted call is marked so the server
 * does not count it twice. Only a single request is judged here; a batch goes
 * on, and the server answers each call in it the same way in-band.
 */
import type http from "node:http";
import type { ErrorPayload } from "../common/errors.js";
import type { Services } from "../domain/runtime.js";
import { errorResult } from "../server/runTool.js";
import { admitCall, grants, heldScopes, insufficientScope, READING_METHODS, SCOPES, scopeNeeded } from "../server/toolAccess.js";
import type { ToolInfo } from "../server/toolCatalogue.js";
import type { Caller } from "./httpGate.js";
import type { ProtectedResource } from "./protectedResource.js";

export interface CallGateOptions {
  services: Services;
  /** The tools the server offers, by name (withheld ones are answered in-band with their reason). */
  tools: ReadonlyMap<string, ToolInfo>;
  /** Set with OAuth: names the metadata in the 403 challenge. */
  resource: ProtectedResource | null;
}

export type GateOutcome = { pass: Caller } | { status: number; headers: Record<string, string>; body: string };

interface Message {
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown };
}

function answer(opts: {
  status: number;
  headers: Record<string, string>;
  id: unknown;
  payload: ErrorPayload;
  services: Services;
}): GateOutcome {
  const result = opts.services.redactor.value(errorResult(opts.payload, { sandbox: opts.services.sandbox }));
  return { status: opts.status, headers: opts.headers, body: JSON.stringify({ jsonrpc: "2.0", id: opts.id ?? null, result }) };
}

function forbidden(opts: CallGateOptions, id: unknown, scope: string, payload: ErrorPayload): GateOutcome {
  const headers: Record<string, string> = {};
  if (opts.resource) headers["www-authenticate"] = opts.resource.insufficientScope(scope, payload.message);
  return answer({ status: 403, headers, id, payload, services: opts.services });
}

export async function gateCall(body: unknown, caller: Caller, opts: CallGateOptions): Promise<GateOutcome> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { pass: caller };
  const msg = body as Message;
  const scoped = caller.authInfo.extra?.scoped === true;
  const scopes = scoped ? caller.authInfo.scopes : null;
  if (typeof msg.method === "string" && READING_METHODS.has(msg.method) && !grants(scopes, SCOPES.read)) {
    return forbidden(opts, msg.id, SCOPES.read, {
      code: "PERMISSION_DENIED",
      message: `${msg.method} needs the OAuth scope ${SCOPES.read}; this access token has ${heldScopes(scopes ?? [])}.`,
      cause: "Resources and completions read VICIdial as the read-only tools do. Nothing was sent to VICIdial.",
      fix: `Get a new access token with scope ${SCOPES.read}, then try again.`,
      retryable: false,
      vicidial_response: null,
    });
  }
  if (msg.method !== "tools/call" || typeof msg.params?.name !== "string") return { pass: caller };
  const tool = opts.tools.get(msg.params.name);
  if (!tool) return { pass: caller };
  if (scopes !== null && !grants(scopes, scopeNeeded(tool))) {
    return forbidden(opts, msg.id, scopeNeeded(tool), insufficientScope(tool, scopes).toPayload());
  }
  const admission = await admitCall({ services: opts.services, tool, args: msg.params.arguments, actor: caller.actor });
  if (admission.admitted) {
    return { pass: { ...caller, authInfo: { ...caller.authInfo, extra: { ...caller.authInfo.extra, admitted: true } } } };
  }
  // The limits could not be read (coordination server away): the server refuses the call in-band, with the fix.
  if (admission.retryAfterSeconds === null) return { pass: caller };
  return answer({
    status: 429,
    headers: { "retry-after": String(admission.retryAfterSeconds) },
    id: msg.id,
    payload: admission.error.toPayload(),
    services: opts.services,
  });
}

/** Writes a gate's refusal. */
export function sendOutcome(res: http.ServerResponse, outcome: Exclude<GateOutcome, { pass: Caller }>): void {
  res.writeHead(outcome.status, { "content-type": "application/json", ...outcome.headers });
  res.end(outcome.body);
}
