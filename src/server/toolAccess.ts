/**
 * What a call needs beyond the tool being offered: the OAuth scope of its
 * kind, and room under the caller's rate limits. One rule in one place for
 * both callers of it: the server's own tools/call wrapper (toolAvailability.ts,
 * every transport) and the HTTP entry, which answers 403 and 429 before a
 * call reaches a session (src/entry/httpCallGate.ts).
 *
 * Scopes: `alturl:read` for read-only tools, `alturl:write` for the other
 * non-destructive ones, `alturl:admin` for destructive ones; each includes the
 * ones before it (an admin token sees every tool), so a client that asks for
 * the one scope a 403 names keeps what it had.
 */

import { ToolError } from "../common/errors.js";
import type { RateClass } from "../domain/rateLimits.js";
import { rateLimitedError, retryAfterSeconds } from "../domain/rateLimits.js";
import type { Services } from "../domain/runtime.js";
import type { ToolInfo } from "./toolCatalogue.js";

export const SCOPES = { read: "alturl:read", write: "alturl:write", admin: "alturl:admin" } as const;
export type AlturlScope = (typeof SCOPES)[keyof typeof SCOPES];
/** Weakest first. */
export const ALL_SCOPES: AlturlScope[] = [SCOPES.read, SCOPES.write, SCOPES.admin];

/** MCP methods that read VICIdial outside tools (resources, completion of ids): they need `alturl:read`. */
export const READING_METHODS = new Set(["resources/list", "resources/read", "resources/templates/list", "completion/complete"]);

export function scopeNeeded(tool: Pick<ToolInfo, "annotations">): AlturlScope {
  if (tool.annotations.readOnlyHint) return SCOPES.read;
  return tool.annotations.destructiveHint ? SCOPES.admin : SCOPES.write;
}

/** Whether these scopes (null: scopes do not apply) grant `needed`. */
export function grants(scopes: readonly string[] | null, needed: AlturlScope): boolean {
  if (scopes === null) return true;
  const rank = ALL_SCOPES.indexOf(needed);
  return ALL_SCOPES.some((s, i) => i >= rank && scopes.includes(s));
}

/** The scopes among ours that a token holds, for messages. */
export function heldScopes(scopes: readonly string[]): string {
  const ours = scopes.filter((s) => (ALL_SCOPES as string[]).includes(s));
  return ours.length ? ours.join(" ") : "none of alturl:read, alturl:write, alturl:admin";
}

/** The in-band answer to a call beyond the token's scopes (the HTTP entry answers 403 before it gets here). */
export function insufficientScope(tool: ToolInfo, scopes: readonly string[]): ToolError {
  const needed = scopeNeeded(tool);
  return new ToolError({
    code: "PERMISSION_DENIED",
    message: `${tool.name} needs the OAuth scope ${needed}; this access token has ${heldScopes(scopes)}.`,
    cause: `This server lets a token use read-only tools with ${SCOPES.read}, changes with ${SCOPES.write} and destructive tools with ${SCOPES.admin} (each includes the ones before it). Nothing was sent to VICIdial.`,
    fix: `Get a new access token with scope ${needed} from the authorization server (ask its administrator to grant it to this client or user), then call again.`,
  });
}

/** The limit a call counts against: none for read-only tools and dry runs (they change nothing). */
export function rateClassOf(tool: Pick<ToolInfo, "annotations">, args: unknown): RateClass | null {
  if (tool.annotations.readOnlyHint) return null;
  if ((args as { dry_run?: unknown } | null)?.dry_run === true) return null;
  return tool.annotations.destructiveHint ? "destructive" : "write";
}

export type Admission = { admitted: true } | { admitted: false; error: ToolError; retryAfterSeconds: number | null };

/**
 * Counts one call against the caller's limits. Refused: RATE_LIMITED with
 * when to retry. The limits unreadable (coordination server away): the
 * write is refused with that error, and retryAfterSeconds is null.
 */
export async function admitCall(opts: { services: Services; tool: ToolInfo; args: unknown; actor: string }): Promise<Admission> {
  const cls = rateClassOf(opts.tool, opts.args);
  if (cls === null) return { admitted: true };
  try {
    const decision = await opts.services.rateLimits.admit(opts.actor, cls);
    if (decision.ok) return { admitted: true };
    return {
      admitted: false,
      error: rateLimitedError({ decision, actor: opts.actor, tool: opts.tool.name }),
      retryAfterSeconds: retryAfterSeconds(decision),
    };
  } catch (err) {
    if (err instanceof ToolError) return { admitted: false, error: err, retryAfterSeconds: null };
    throw err;
  }
}
