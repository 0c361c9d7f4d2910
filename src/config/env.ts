/**
 * Configuration from the environment (and a quiet `.env`), exactly as the
 * contract's table names it. A bad value is a ConfigError naming the variable;
 * the entry point prints it on one stderr line and exits 2.
 */
import os from "node:os";
import path from "node:path";
import { loadOrgConfig, type OrgConfig } from "./org.js";

export interface Config extends OrgConfig {
  /** Web root of the real VICIdial; null means the embedded sandbox. */
  vicidialUrl: string | null;
  user: string;
  pass: string;
  source: string;
  timeoutMs: number;
  readOnly: boolean;
  /** Canonical (upper-cased for comparison) campaign ids, or null for all. */
  allowedCampaigns: string[] | null;
  requireHttps: boolean;
  allowedUrlHosts: string[] | null;
  /** Absolute path of the JSON Lines audit log, or null when `off`. */
  auditLog: string | null;
  maxConcurrency: number;
  /** Problems worth a stderr line at start, none fatal. */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

/**
 * The default sandbox login: VICIdial's classic first admin user, with a
 * password distinct enough that masking it never hides an ordinary value
 * (a lead id 1234, say) in results.
 */
export const SANDBOX_DEFAULT_USER = "6666";
export const SANDBOX_DEFAULT_PASS = "sandbox1234";

/** Characters VICIdial keeps in a password (facts §6); others are stripped. */
export const PASS_KEEPS = /^[A-Za-z0-9_-]*$/;
/** The rules a systems file shares with the single-system variables (src/config/systemsFile.ts). */
export const USER_RE = /^[A-Za-z0-9_-]+$/;
export const SOURCE_RE = /^[A-Za-z0-9]{2,20}$/;
export const CAMPAIGN_RE = /^[A-Za-z0-9_-]{2,8}$/;
export const HOST_RE = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/;
export const TIMEOUT_RANGE = { fallback: 15000, min: 100, max: 600000 } as const;
export const CONCURRENCY_RANGE = { fallback: 4, min: 1, max: 64 } as const;

/** The warning for a password with characters VICIdial strips; `where` names its variable. */
export function strippedPasswordWarning(where: string): string {
  return (
    `${where} holds characters VICIdial strips from passwords (it keeps only letters, digits, - and _): ` +
    "VICIdial compares the password without them, so the login may fail or match a different password. " +
    "Set a password of letters, digits, - and _ on the user's VICIdial Users screen."
  );
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

function list(env: NodeJS.ProcessEnv, name: string): string[] | null {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return null;
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.length > 0 ? items : null;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Where per-user state lives: XDG on Unix, LOCALAPPDATA on Windows, ~/Library on macOS. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === "win32") {
    return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), "AppData", "Local"), "vicidial-alturl-mcp");
  }
  if (process.platform === "darwin") {
    return path.join(os.homedir(), "Library", "Application Support", "vicidial-alturl-mcp");
  }
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"), "vicidial-alturl-mcp");
}

/** User information before a host (user@, user:password@, token@), with or without a scheme. */
const USERINFO = /^((?:[A-Za-z][A-Za-z0-9+.-]*:[\\/]*)?)[^/?#\\]*@/;

/**
 * A configured value as it may be quoted in an error or warning: any user
 * information before a host is replaced by "***@", since it is a credential
 * (ConfigError messages go to stderr and into client logs).
 */
export function quotable(value: string): string {
  return value.replace(USERINFO, "$1***@");
}

const NO_CREDENTIALS_IN_URL =
  "must not contain a user name or password (user:password@ before the host); use VICIDIAL_USER and VICIDIAL_PASS";

/**
 * A VICIdial web root as configured: http(s) only, no credentials before the
 * host, the root kept when the URL already ends in /vicidial/...
 */
export function parseWebRoot(rawUrl: string, variable: string, noCredentials: string): string {
  // Before parsing: an unparsable URL must not be quoted with its credentials.
  if (USERINFO.test(rawUrl)) throw new ConfigError(variable, noCredentials);
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    throw new ConfigError(variable, `not a URL: "${quotable(rawUrl)}" (expected e.g. https://dialer.example.com)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(variable, `must start with https:// (or http://), got "${parsed.protocol}"`);
  }
  if (parsed.username || parsed.password) throw new ConfigError(variable, noCredentials);
  const root = parsed.pathname.replace(/\/vicidial(\/.*)?$/i, "").replace(/\/+$/, "");
  return `${parsed.protocol}//${parsed.host}${root}`;
}

/** The warning for a plain http:// web root to another machine; null for https:// or loopback. */
export function plainHttpWarning(where: string, webRoot: string): string | null {
  if (!webRoot.startsWith("http://")) return null;
  const host = new URL(webRoot).hostname;
  if (isLoopbackHost(host)) return null;
  return `${where} uses plain http:// to ${host}: the API password crosses the network in clear. Use https://.`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const warnings: string[] = [];

  const rawUrl = env.VICIDIAL_URL?.trim() || null;
  const vicidialUrl = rawUrl === null ? null : parseWebRoot(rawUrl, "VICIDIAL_URL", NO_CREDENTIALS_IN_URL);

  let user = env.VICIDIAL_USER ?? "";
  let pass = env.VICIDIAL_PASS ?? "";
  if (vicidialUrl !== null) {
    if (!user) throw new ConfigError("VICIDIAL_USER", "required when VICIDIAL_URL is set (the VICIdial API user)");
    if (!pass) throw new ConfigError("VICIDIAL_PASS", "required when VICIDIAL_URL is set (the API user's password)");
  } else {
    user ||= SANDBOX_DEFAULT_USER;
    pass ||= SANDBOX_DEFAULT_PASS;
  }
  if (!USER_RE.test(user)) {
    throw new ConfigError("VICIDIAL_USER", "VICIdial user ids hold only letters, digits, - and _");
  }
  if (!PASS_KEEPS.test(pass)) {
    warnings.push(strippedPasswordWarning("VICIDIAL_PASS"));
  }

  const source = env.VICIDIAL_SOURCE?.trim() || "mcpalturl";
  if (!SOURCE_RE.test(source)) {
    throw new ConfigError("VICIDIAL_SOURCE", `letters and digits only, 2 to 20 of them (VICIdial strips the rest), got "${source}"`);
  }

  const requireHttps = bool(env, "VICIDIAL_REQUIRE_HTTPS", false);
  const plain = vicidialUrl === null ? null : plainHttpWarning("VICIDIAL_URL", vicidialUrl);
  if (plain !== null) {
    if (requireHttps) {
      throw new ConfigError("VICIDIAL_URL", "VICIDIAL_REQUIRE_HTTPS is true but the URL is plain http://; use https://");
    }
    warnings.push(plain);
  }

  const allowedCampaigns = list(env, "VICIDIAL_ALLOWED_CAMPAIGNS");
  for (const c of allowedCampaigns ?? []) {
    if (!CAMPAIGN_RE.test(c)) {
      throw new ConfigError("VICIDIAL_ALLOWED_CAMPAIGNS", `"${c}" is not a campaign id (2 to 8 letters, digits, - or _)`);
    }
  }
  const allowedUrlHosts = list(env, "VICIDIAL_ALLOWED_URL_HOSTS")?.map((h) => h.toLowerCase()) ?? null;
  for (const h of allowedUrlHosts ?? []) {
    if (!HOST_RE.test(h)) {
      throw new ConfigError("VICIDIAL_ALLOWED_URL_HOSTS", `"${quotable(h)}" is not a host name (e.g. crm.example.com or *.example.com)`);
    }
  }

  const auditRaw = env.VICIDIAL_AUDIT_LOG?.trim();
  let auditLog: string | null;
  if (auditRaw === undefined || auditRaw === "") auditLog = path.join(defaultStateDir(env), "audit.jsonl");
  else if (auditRaw.toLowerCase() === "off") auditLog = null;
  else auditLog = path.resolve(auditRaw);

  return {
    vicidialUrl,
    user,
    pass,
    source,
    timeoutMs: int(env, "VICIDIAL_TIMEOUT_MS", TIMEOUT_RANGE.fallback, TIMEOUT_RANGE.min, TIMEOUT_RANGE.max),
    readOnly: bool(env, "VICIDIAL_READ_ONLY", false),
    allowedCampaigns: allowedCampaigns?.map((c) => c.toUpperCase()) ?? null,
    requireHttps,
    allowedUrlHosts,
    auditLog,
    maxConcurrency: int(env, "VICIDIAL_MAX_CONCURRENCY", CONCURRENCY_RANGE.fallback, CONCURRENCY_RANGE.min, CONCURRENCY_RANGE.max),
    ...loadOrgConfig(env),
    warnings,
  };
}
