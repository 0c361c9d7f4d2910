/**
 * The per-actor rate limits (domain/rateLimits.ts) kept on the coordination
 * server, so a caller spread over several instances by a load balancer gets
 * the configured rate in all, not per instance. The same sliding window as
 * this process's own: a sorted set of admission times per actor and limit,
 * checked and added to in one script (atomic), on the server's clock (the
 * instances' clocks may differ). Fails closed: without the server a write is
 * refused (Coordination.unavailable), as its lock would be anyway.
 */
import { randomUUID } from "node:crypto";
import { limitsFor, type RateClass, type RateDecision, type RateLimits, type RateRules } from "../rateLimits.js";
import { type Coordination, digest } from "./coordination.js";

/**
 * KEYS: one sorted set per limit; ARGV: a unique member, then per key its limit and window (ms).
 * Returns {0} when admitted (added to every set), else {index of the full limit (1-based), ms to wait}.
 */
const ADMIT = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 2])
  local window = tonumber(ARGV[i * 2 + 1])
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  if redis.call("ZCARD", key) >= limit then
    local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
    return {i, tonumber(oldest[2]) + window - now}
  end
end
for i, key in ipairs(KEYS) do
  redis.call("ZADD", key, now, ARGV[1])
  redis.call("PEXPIRE", key, tonumber(ARGV[i * 2 + 1]))
end
return {0, 0}
`;

export class FleetRateLimits implements RateLimits {
  constructor(
    private readonly c: Coordination,
    readonly rules: RateRules,
  ) {}

  async admit(actor: string, cls: RateClass): Promise<RateDecision> {
    const limits = limitsFor(this.rules, cls);
    if (limits.length === 0) return { ok: true };
    // One hash tag per actor: a Redis Cluster keeps an actor's sets in one slot, as a multi-key script needs.
    const keys = limits.map((l) => this.c.key("rate", `{${digest(actor)}}`, l.name));
    const args = [randomUUID(), ...limits.flatMap((l) => [String(l.rate.limit), String(l.rate.windowMs)])];
    const [full, waitMs] = (await this.c.command("count this call against the rate limits it shares with the other instances", (r) =>
      r.eval(ADMIT, keys.length, ...keys, ...args),
    )) as [number, number];
    if (full === 0) return { ok: true };
    const hit = limits[full - 1]!;
    return { ok: false, limit: hit.name, rate: hit.rate, retryAfterMs: Math.max(1, waitMs) };
  }
}
