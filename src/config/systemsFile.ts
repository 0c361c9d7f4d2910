/**
 * VICIDIAL_SYSTEMS_FILE: several VICIdial systems from one server, as a YAML
 * or JSON file. Read and checked once at start: a bad value is a ConfigError
 * naming the system and the field (`systems.production.timeout_ms: ...`),
 * which the entry point prints on one stderr line before exiting 2. A
 * password is never written in the file: `pass_env` names the environment
 * variable that holds it, and that variable must be set at start. Values
 * are never quoted from a field that may hold a secret.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { isJsonObject } from "../common/json.js";
import {
  CAMPAIGN_RE,
  CAMPAIGN_RULE,
  CONCURRENCY_RANGE,
  type Config,
  ConfigError,
  HOST_RE,
  PASS_KEEPS,
  parseWebRoot,
  plainHttpWarning,
  quotable,
  SANDBOX_DEFAULT_PASS,
  SANDBOX_DEFAULT_USER,
  SOURCE_RE,
  strippedPasswordWarning,
  TIMEOUT_RANGE,
  USER_RE,
} from "./env.js";

export const SYSTEMS_FILE_VARIABLE = "VICIDIAL_SYSTEMS_FILE";
/** The `url` that asks for an embedded sandbox of the system's own. */
export const SANDBOX_URL = "sandbox";
/** A system's name: what the `system` argument of every tool takes. */
export const SYSTEM_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export interface SystemEntry {
  name: string;
  /** The web root, or null for an embedded sandbox (started on first use). */
  url: string | null;
  user: string;
  pass: string;
  source: string;
  timeoutMs: number;
  readOnly: boolean;
  /** Upper-cased ids, or null for all. */
  allowedCampaigns: string[] | null;
  requireHttps: boolean;
  allowedUrlHosts: string[] | null;
  maxConcurrency: number;
}

export interface SystemsFile {
  /** The file's absolute path. */
  file: string;
  /** The system a call without `system` means; null when there are several and none is named. */
  defaultSystem: string | null;
  systems: SystemEntry[];
  /** Problems worth a stderr line at start, none fatal. */
  warnings: string[];
}

const SYSTEM_KEYS = [
  "url",
  "user",
  "pass_env",
  "source",
  "timeout_ms",
  "read_only",
  "allowed_campaigns",
  "require_https",
  "allowed_url_hosts",
  "max_concurrency",
] as const;
/** Keys that would hold a password itself: refused without quoting their value. */
const PASSWORD_KEY = /^(pass|password|passwd|pwd|secret|vicidial_pass)$/i;

const NO_CREDENTIALS_IN_URL =
  "must not contain a user name or password (user:password@ before the host); use user and pass_env (the name of an environment variable holding the password)";

/** Where in the file a value is, for the one line a bad value gets. */
function fail(where: string, message: string): never {
  throw new ConfigError(SYSTEMS_FILE_VARIABLE, `${where}: ${message}`);
}

/** A value as an error may quote it: short, credentials before a host masked. */
function shown(v: unknown): string {
  const text = typeof v === "string" ? JSON.stringify(quotable(v)) : JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function bool(where: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|yes|on|1)$/i.test(v.trim())) return true;
  if (typeof v === "string" && /^(false|no|off|0)$/i.test(v.trim())) return false;
  return fail(where, `expected true or false, got ${shown(v)}`);
}

function int(where: string, v: unknown, range: { fallback: number; min: number; max: number }): number {
  if (v === undefined || v === null) return range.fallback;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    return fail(where, `expected a whole number from ${range.min} to ${range.max}, got ${shown(v)}`);
  }
  return n;
}

function text(where: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return String(v);
  return fail(where, `expected text, got ${shown(v)}`);
}

/** A list as an array (`[2001, 2002]`) or comma-separated text; null when absent or empty. */
function list(where: string, v: unknown, fallback: string[] | null): string[] | null {
  if (v === undefined || v === null) return fallback;
  const raw = typeof v === "string" ? v.split(",") : Array.isArray(v) ? v : fail(where, `expected a list, got ${shown(v)}`);
  const items = raw.map((x, i) => text(`${where}[${i}]`, x) ?? "").filter((x) => x.length > 0);
  return items.length > 0 ? items : null;
}

function systemEntry(name: string, raw: unknown, env: NodeJS.ProcessEnv, base: Config, warnings: string[]): SystemEntry {
  const at = `systems.${name}`;
  if (!isJsonObject(raw)) return fail(at, `expected the system's settings (url, user, pass_env, ...), got ${shown(raw)}`);
  for (const key of Object.keys(raw)) {
    if (PASSWORD_KEY.test(key)) {
      return fail(
        `${at}.${key}`,
        "a password may not be written in the systems file; put it in an environment variable and give that variable's name as pass_env",
      );
    }
    if (!(SYSTEM_KEYS as readonly string[]).includes(key)) {
      return fail(`${at}.${key}`, `unknown setting (a system takes ${SYSTEM_KEYS.join(", ")})`);
    }
  }

  const rawUrl = text(`${at}.url`, raw.url);
  if (!rawUrl) return fail(`${at}.url`, `required: the VICIdial web root (e.g. https://dialer.example.com) or ${SANDBOX_URL}`);
  const sandbox = rawUrl.toLowerCase() === SANDBOX_URL;
  const url = sandbox ? null : parseWebRoot(rawUrl, SYSTEMS_FILE_VARIABLE, NO_CREDENTIALS_IN_URL);

  let user = text(`${at}.user`, raw.user) ?? "";
  const passEnv = text(`${at}.pass_env`, raw.pass_env) ?? "";
  if (passEnv && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(passEnv)) {
    fail(`${at}.pass_env`, `expected the name of an environment variable (letters, digits and _), got ${shown(passEnv)}`);
  }
  if (!sandbox && !user) fail(`${at}.user`, "required: the VICIdial API user");
  if (!sandbox && !passEnv) fail(`${at}.pass_env`, "required: the name of the environment variable holding the API user's password");
  if (sandbox && user && !passEnv)
    fail(`${at}.pass_env`, "required with user: the environment variable holding that sandbox user's password");
  let pass: string;
  if (passEnv) {
    pass = env[passEnv] ?? "";
    if (!pass) fail(`${at}.pass_env`, `the environment variable ${passEnv} is not set (it should hold the password of ${name}'s API user)`);
  } else {
    user = SANDBOX_DEFAULT_USER;
    pass = SANDBOX_DEFAULT_PASS;
  }
  if (!USER_RE.test(user)) fail(`${at}.user`, "VICIdial user ids hold only letters, digits, - and _");
  if (!PASS_KEEPS.test(pass)) warnings.push(strippedPasswordWarning(`${passEnv} (the password of system ${name})`));

  const source = text(`${at}.source`, raw.source) || base.source;
  if (!SOURCE_RE.test(source))
    fail(`${at}.source`, `letters and digits only, 2 to 20 of them (VICIdial strips the rest), got ${shown(source)}`);

  const requireHttps = bool(`${at}.require_https`, raw.require_https, base.requireHttps);
  const plain = url === null ? null : plainHttpWarning(`${SYSTEMS_FILE_VARIABLE}: ${at}.url`, url);
  if (plain !== null) {
    if (requireHttps) fail(`${at}.url`, "require_https is true but the URL is plain http://; use https://");
    warnings.push(plain);
  }

  const campaigns = list(`${at}.allowed_campaigns`, raw.allowed_campaigns, base.allowedCampaigns);
  campaigns?.forEach((c, i) => {
    if (!CAMPAIGN_RE.test(c))
      fail(`${at}.allowed_campaigns[${i}]`, `${shown(c)} is not a campaign, in-group or list id (${CAMPAIGN_RULE})`);
  });
  const hosts = list(`${at}.allowed_url_hosts`, raw.allowed_url_hosts, base.allowedUrlHosts)?.map((h) => h.toLowerCase()) ?? null;
  hosts?.forEach((h, i) => {
    if (!HOST_RE.test(h)) fail(`${at}.allowed_url_hosts[${i}]`, `${shown(h)} is not a host name (e.g. crm.example.com or *.example.com)`);
  });

  return {
    name,
    url,
    user,
    pass,
    source,
    timeoutMs: int(`${at}.timeout_ms`, raw.timeout_ms, { ...TIMEOUT_RANGE, fallback: base.timeoutMs }),
    readOnly: bool(`${at}.read_only`, raw.read_only, base.readOnly),
    allowedCampaigns: campaigns?.map((c) => c.toUpperCase()) ?? null,
    requireHttps,
    allowedUrlHosts: hosts,
    maxConcurrency: int(`${at}.max_concurrency`, raw.max_concurrency, { ...CONCURRENCY_RANGE, fallback: base.maxConcurrency }),
  };
}

/**
 * The systems of a parsed file. A setting a system leaves out takes the
 * single-system variable's value (`base`, from the environment) or its default.
 */
export function parseSystems(doc: unknown, env: NodeJS.ProcessEnv, base: Config): Omit<SystemsFile, "file"> {
  if (!isJsonObject(doc)) return fail("(top level)", "expected a mapping with systems (and optionally default)");
  for (const key of Object.keys(doc)) {
    if (key !== "systems" && key !== "default") fail(key, "unknown key (the file takes systems and default)");
  }
  if (!isJsonObject(doc.systems) || Object.keys(doc.systems).length === 0) {
    return fail("systems", "expected at least one system, each under its name (e.g. staging: { url: sandbox })");
  }
  const warnings: string[] = [];
  const systems = Object.entries(doc.systems).map(([name, raw]) => {
    if (!SYSTEM_NAME_RE.test(name)) fail(`systems.${name}`, "a system name holds 1 to 64 letters, digits, '.', '-' and '_'");
    return systemEntry(name, raw, env, base, warnings);
  });
  const names = systems.map((s) => s.name);
  const named = text("default", doc.default);
  if (named !== undefined && !names.includes(named)) fail("default", `${shown(named)} is not one of the systems (${names.join(", ")})`);
  return { defaultSystem: named ?? (names.length === 1 ? names[0]! : null), systems, warnings };
}

/**
 * What a parser says is wrong, without any of the file's own text (a quoted
 * line or snippet may hold anything, a password included): YAML's message
 * up to its position, JSON's position only.
 */
function parseProblem(err: unknown, json: boolean, source: string): string {
  const message = String((err as Error)?.message ?? err);
  if (json) {
    const at = /position (\d+)/.exec(message);
    return at ? `the syntax breaks at character ${at[1]}` : "the syntax is broken";
  }
  const offset = (err as { pos?: number[] }).pos?.[0];
  const before = offset === undefined ? null : source.slice(0, offset).split("\n");
  const where = before ? ` (line ${before.length}, column ${before.at(-1)!.length + 1})` : "";
  return `${message.split("\n")[0]!.replace(/:\s*$/, "")}${where}`;
}

/** Read, parse and check the file `env.VICIDIAL_SYSTEMS_FILE` names. JSON is parsed without loading the YAML parser. */
export async function loadSystemsFile(env: NodeJS.ProcessEnv, base: Config): Promise<SystemsFile> {
  const file = path.resolve(env[SYSTEMS_FILE_VARIABLE]!.trim());
  if (env.VICIDIAL_URL?.trim()) {
    throw new ConfigError(
      "VICIDIAL_URL",
      `not used when ${SYSTEMS_FILE_VARIABLE} is set: give each system's url in the file (or unset ${SYSTEMS_FILE_VARIABLE})`,
    );
  }
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(SYSTEMS_FILE_VARIABLE, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  if (/\.json$/i.test(file)) {
    try {
      doc = JSON.parse(source);
    } catch (err) {
      throw new ConfigError(SYSTEMS_FILE_VARIABLE, `${file} is not valid JSON: ${parseProblem(err, true, source)}`);
    }
  } else {
    // Bundled, the package's dynamic import may yield its exports as `default` (as undici's does).
    const yaml = (await import("yaml")) as typeof import("yaml") & { default?: typeof import("yaml") };
    const parse = typeof yaml.parse === "function" ? yaml.parse : yaml.default!.parse;
    try {
      doc = parse(source, { prettyErrors: false });
    } catch (err) {
      throw new ConfigError(SYSTEMS_FILE_VARIABLE, `${file} is not valid YAML or JSON: ${parseProblem(err, false, source)}`);
    }
  }
  return { file, ...parseSystems(doc, env, base) };
}
