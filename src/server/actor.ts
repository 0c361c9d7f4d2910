/**
 * Who is calling, as the transport established it: the HTTP entry puts the
 * caller's actor (`token`, `anonymous`, later an OAuth subject) in the
 * request's authInfo; over stdio there is none, and the actor is `stdio`.
 * For the audit log and per-actor limits.
 */
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

export function actorOf(request: { authInfo?: AuthInfo }): string {
  const actor = request.authInfo?.extra?.actor;
  return typeof actor === "string" && actor !== "" ? actor : "stdio";
}
