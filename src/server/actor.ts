/**
 * Who is calling, as the transport established it: the HTTP entry puts the
 * caller's actor (`token`, `anonymous`, an OAuth token's subject) in the
 * request's authInfo; over stdio there is none, and the actor is `stdio`.
 * For the audit log, per-actor limits and, for OAuth callers, their scopes.
 */
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

export function actorOf(request: { authInfo?: AuthInfo }): string {
  const actor = request.authInfo?.extra?.actor;
  return typeof actor === "string" && actor !== "" ? actor : "stdio";
}

/**
 * The scopes a caller's credential grants, or null when scopes do not apply
 * (stdio, MCP_HTTP_TOKEN, loopback without a token: every tool this server offers).
 */
export function scopesOf(request: { authInfo?: AuthInfo }): readonly string[] | null {
  return request.authInfo?.extra?.scoped === true ? request.authInfo.scopes : null;
}

/** True when the HTTP entry has already counted this call against the rate limits (it answers 429 itself). */
export function admittedOf(request: { authInfo?: AuthInfo }): boolean {
  return request.authInfo?.extra?.admitted === true;
}
