/**
 * Per-actor rate limits on writes (VICIDIAL_WRITE_RATE, VICIDIAL_DESTRUCTIVE_RATE):
 * at most N calls in any window of the rate's length (a sliding window, so a
 * burst at a window's edge cannot double the rate). A destructive call counts
 * against both limits and is admitted only when both have room; a refused
 * call counts against neither. This process's limits live here; with a
 * coordination server the same rule is kept there (domain/fleet/rateLimits.ts),
 * shared by every instance.
 */

import { ToolError } from "../common/errors.js";
import type { Rate } from "../config/org.js";

export type RateClass = "write" | "destructive";

export interface RateRules {
  write: Rate | null;
  destructive: Rate | null;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number; limit: "write" | "destructive"; rate: Rate };

export interface RateLimits {
  readonly rules: RateRules;
  /** Take one call of this class for this actor, or say when one may be taken. */
  admit(actor: string, cls: RateClass): Promise<RateDecision>;
}

/** The limits a call of this class is counted against, most specific first. */
export function limitsFor(rules: RateRules, cls: RateClass): { name: "write" | "destructive"; rate: Rate }[] {
  const out: { name: "write" | "destructive"; rate: Rate }[] = [];
  if (cls === "destructive" && rules.destructive) out.push({ name: "destructive", rate: rules.destructive });
  if (rules.write) out.push({ name: "write", rate: rules.write });
  return out;
}

/** The most actors remembered at once; the least recently seen are forgotten first (their calls are old). */
const MAX_ACTORS = 10_000;

export class LocalRateLimits implements RateLimits {
  /** actor -> limit name -> times of admitted calls, oldest first. */
  private readonly calls = new Map<string, Map<string, number[]>>();

  constructor(
    readonly rules: RateRules,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(actor: string, cls: RateClass): Promise<RateDecision> {
    const limits = limitsFor(this.rules, cls);
    if (limits.length === 0) return { ok: true };
    const t = this.now();
    const mine = this.calls.get(actor) ?? new Map<string, number[]>();
    this.calls.delete(actor);
    this.calls.set(actor, mine);
    if (this.calls.size > MAX_ACTORS) this.calls.delete(this.calls.keys().next().value!);
    for (const { name, rate } of limits) {
      const times = (mine.get(name) ?? []).filter((at) => at > t - rate.windowMs);
      mine.set(name, times);
      if (times.length >= rate.limit) return { ok: false, limit: name, rate, retryAfterMs: times[0]! + rate.windowMs - t };
    }
    for (const { name } of limits) mine.get(name)!.push(t);
    return { ok: true };
  }
}

const VARIABLE = { write: "VICIDIAL_WRITE_RATE", destructive: "VICIDIAL_DESTRUCTIVE_RATE" } as const;

function span(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? "day" : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "hour" : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? "minute" : `${ms / 60_000} minutes`;
  return ms === 1000 ? "second" : `${ms / 1000} seconds`;
}

/** Seconds to wait, rounded up (at least 1): what Retry-After and the message say. */
export function retryAfterSeconds(decision: { retryAfterMs: number }): number {
  return Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

/** RATE_LIMITED: which limit, for whom, and when the next call will be admitted. */
export function rateLimitedError(opts: {
  decision: Extract<RateDecision, { ok: false }>;
  actor: string;
  tool: string;
  now?: Date;
}): ToolError {
  const { decision, actor, tool } = opts;
  const wait = retryAfterSeconds(decision);
  const at = new Date((opts.now ?? new Date()).getTime() + wait * 1000).toISOString();
  const kind = `${decision.limit === "destructive" ? "destructive" : "write"} call${decision.rate.limit === 1 ? "" : "s"}`;
  return new ToolError({
    code: "RATE_LIMITED",
    message: `Not sent: ${tool} is over the limit of ${decision.rate.limit} ${kind} per ${span(decision.rate.windowMs)} for ${actor} (${VARIABLE[decision.limit]}=${decision.rate.text}). Retry in ${wait} s (after ${at}).`,
    cause: `This server admits at most ${decision.rate.limit} ${kind} per ${span(decision.rate.windowMs)} from one caller, so a runaway agent cannot flood VICIdial with changes; this call was refused before anything was sent to VICIdial.`,
    fix: `Wait ${wait} s, then call again. If this caller really needs more, ask whoever runs this server to raise ${VARIABLE[decision.limit]} (e.g. ${decision.rate.limit * 2}/${decision.rate.text.split("/")[1]}).`,
    retryable: true,
  });
}
