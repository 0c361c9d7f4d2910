/**
 * The settings for running this server in an organisation: per-actor rate
 * limits on writes, the tool selection, and the coordination server shared by
 * several instances. Parsed with the rest of the configuration (env.ts), so a
 * bad value stops the start with one line naming the variable (exit 2). The
 * OAuth variables belong to the HTTP entry (src/entry/oauthConfig.ts): only
 * `--http` reads them.
 */
import { ConfigError, quotable } from "./env.js";

/** At most `limit` calls in any window of `windowMs`. */
export interface Rate {
  limit: number;
  windowMs: number;
  /** As configured, e.g. "30/min", for messages. */
  text: string;
}

export interface OrgConfig {
  /** VICIDIAL_WRITE_RATE: every call of a tool that is not read-only; null = no limit. */
  writeRate: Rate | null;
  /** VICIDIAL_DESTRUCTIVE_RATE: calls of destructive tools (which count as writes too); null = no limit. */
  destructiveRate: Rate | null;
  /** VICIDIAL_TOOLS as given (names and groups), or null for every tool; checked against the tools at start. */
  tools: string[] | null;
  /** VICIDIAL_COORDINATION_URL (redis:// or rediss://), or null: this instance coordinates with nobody. */
  coordinationUrl: string | null;
}

export const DEFAULT_WRITE_RATE = "30/min";
export const DEFAULT_DESTRUCTIVE_RATE = "10/min";

const UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};

/** "30/min", "5/s", "100/hour", "1000/day" (units may be plural); "off" = no limit. */
export function parseRate(variable: string, raw: string): Rate | null {
  const text = raw.trim();
  if (/^(off|none|unlimited)$/i.test(text)) return null;
  const m = /^(\d{1,7})\s*\/\s*([a-z]+)$/i.exec(text);
  const word = m?.[2]?.toLowerCase() ?? "";
  // A plural ("mins", "hours") names the same unit; "ms" is not "m" plural.
  const unit = UNITS[word] ?? (word.length > 2 && word.endsWith("s") ? UNITS[word.slice(0, -1)] : undefined);
  const limit = m ? Number(m[1]) : 0;
  if (!m || unit === undefined || limit < 1) {
    throw new ConfigError(
      variable,
      `expected calls per period such as 30/min, 5/s, 100/hour or 1000/day (at least 1), or off; got "${quotable(text)}"`,
    );
  }
  return { limit, windowMs: unit, text };
}

function rate(env: NodeJS.ProcessEnv, variable: string, fallback: string): Rate | null {
  const raw = env[variable]?.trim();
  return parseRate(variable, raw === undefined || raw === "" ? fallback : raw);
}

function toolList(env: NodeJS.ProcessEnv): string[] | null {
  const raw = env.VICIDIAL_TOOLS?.trim();
  if (raw === undefined || raw === "") return null;
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) throw new ConfigError("VICIDIAL_TOOLS", "lists no tool name or group; remove it to offer every tool");
  return items;
}

/** A Redis or Valkey server; valkey:// is accepted as another name for redis://. */
export function parseCoordinationUrl(raw: string | undefined): string | null {
  const text = raw?.trim();
  if (text === undefined || text === "") return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError("VICIDIAL_COORDINATION_URL", `not a URL: "${quotable(text)}" (expected e.g. redis://redis.internal:6379)`);
  }
  const scheme = { "redis:": "redis:", "rediss:": "rediss:", "valkey:": "redis:", "valkeys:": "rediss:" }[url.protocol];
  if (!scheme) {
    throw new ConfigError(
      "VICIDIAL_COORDINATION_URL",
      `must start with redis:// or rediss:// (a Redis or Valkey server), got "${url.protocol}"`,
    );
  }
  if (!url.hostname) throw new ConfigError("VICIDIAL_COORDINATION_URL", "names no host (expected e.g. redis://redis.internal:6379)");
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d{1,2}$/.test(db)) {
    throw new ConfigError("VICIDIAL_COORDINATION_URL", `the path must be a database number such as /0, got "/${quotable(db)}"`);
  }
  return scheme + text.slice(url.protocol.length);
}

export function loadOrgConfig(env: NodeJS.ProcessEnv): OrgConfig {
  return {
    writeRate: rate(env, "VICIDIAL_WRITE_RATE", DEFAULT_WRITE_RATE),
    destructiveRate: rate(env, "VICIDIAL_DESTRUCTIVE_RATE", DEFAULT_DESTRUCTIVE_RATE),
    tools: toolList(env),
    coordinationUrl: parseCoordinationUrl(env.VICIDIAL_COORDINATION_URL),
  };
}

/** A coordination URL as it may be shown: the password (Redis AUTH) replaced. */
export function shownCoordinationUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return quotable(url);
  }
}
