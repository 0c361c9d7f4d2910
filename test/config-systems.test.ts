/**
 * VICIDIAL_SYSTEMS_FILE: what the file may say and how a bad value is
 * refused at start (one stderr line naming the system and field, exit 2),
 * a password written in the file above all. Parsing is checked in-process;
 * the refusals at start through the built CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { loadSystemsFile, parseSystems } from "../src/config/systemsFile.js";
import { runCli } from "./helpers/harness.js";

const base = loadConfig({ VICIDIAL_AUDIT_LOG: "off" });
const env = { PROD_PASS: "prodPw-1", STAGING_PASS: "stagePw_2" };

function parse(doc: unknown, extraEnv: Record<string, string> = {}) {
  return parseSystems(doc, { ...env, ...extraEnv }, base);
}

function refusal(doc: unknown, extraEnv: Record<string, string> = {}): string {
  try {
    parse(doc, extraEnv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("not refused");
}

const prod = { url: "https://dialer.example.com", user: "apiuser", pass_env: "PROD_PASS" };

describe("parsing a systems file", () => {
  it("reads every per-system setting, the default, and embedded sandboxes", () => {
    const r = parse({
      default: "staging",
      systems: {
        staging: { url: "sandbox" },
        production: {
          ...prod,
          source: "mcpprod",
          timeout_ms: 5000,
          read_only: true,
          allowed_campaigns: [2001, "2002"],
          require_https: true,
          allowed_url_hosts: "crm.example.com, *.Example.org",
          max_concurrency: 2,
        },
      },
    });
    expect(r.defaultSystem).toBe("staging");
    const [staging, production] = r.systems;
    expect(staging).toMatchObject({ name: "staging", url: null, user: "6666", pass: "sandbox1234", readOnly: false });
    expect(production).toEqual({
      name: "production",
      url: "https://dialer.example.com",
      user: "apiuser",
      pass: "prodPw-1",
      source: "mcpprod",
      timeoutMs: 5000,
      readOnly: true,
      allowedCampaigns: ["2001", "2002"],
      requireHttps: true,
      allowedUrlHosts: ["crm.example.com", "*.example.org"],
      maxConcurrency: 2,
    });
  });

  it("a setting left out takes the single-system variable's value, else its default", () => {
    const withEnv = loadConfig({ VICIDIAL_AUDIT_LOG: "off", VICIDIAL_TIMEOUT_MS: "7000", VICIDIAL_READ_ONLY: "true" });
    const r = parseSystems({ systems: { production: prod } }, env, withEnv);
    expect(r.systems[0]).toMatchObject({ timeoutMs: 7000, readOnly: true, maxConcurrency: 4, source: "mcpalturl" });
  });

  it("one system is the default by itself; several without default have none", () => {
    expect(parse({ systems: { production: prod } }).defaultSystem).toBe("production");
    expect(parse({ systems: { production: prod, lab: { url: "sandbox" } } }).defaultSystem).toBeNull();
  });

  it("a sandbox may log in as another sandbox user with user and pass_env", () => {
    const r = parse({ systems: { lab: { url: "sandbox", user: "7777", pass_env: "STAGING_PASS" } } });
    expect(r.systems[0]).toMatchObject({ url: null, user: "7777", pass: "stagePw_2" });
  });

  it("warns, without failing, about a plain http:// address to another machine", () => {
    const r = parse({ systems: { production: { ...prod, url: "http://dialer.example.com" } } });
    expect(r.warnings.join("\n")).toMatch(/systems\.production\.url uses plain http:\/\/ to dialer\.example\.com/);
  });
});

describe("refusals, each naming the system and the field", () => {
  it.each([
    [{ ...prod, timeout_ms: 50 }, "systems.production.timeout_ms: expected a whole number from 100 to 600000"],
    [{ ...prod, timeout_ms: "soon" }, "systems.production.timeout_ms: expected a whole number"],
    [{ ...prod, max_concurrency: 0 }, "systems.production.max_concurrency: expected a whole number from 1 to 64"],
    [{ ...prod, read_only: "maybe" }, "systems.production.read_only: expected true or false"],
    [{ ...prod, source: "a b" }, "systems.production.source: letters and digits only"],
    [{ ...prod, allowed_campaigns: ["2001", "x"] }, "systems.production.allowed_campaigns[1]"],
    [{ ...prod, allowed_url_hosts: ["crm example"] }, "systems.production.allowed_url_hosts[0]"],
    [{ ...prod, url: "ftp://dialer.example.com" }, "must start with https://"],
    [{ ...prod, url: "https://api:secret@dialer.example.com" }, "must not contain a user name or password"],
    [{ ...prod, url: undefined }, "systems.production.url: required"],
    [{ ...prod, user: undefined }, "systems.production.user: required"],
    [{ ...prod, pass_env: undefined }, "systems.production.pass_env: required"],
    [{ ...prod, pass_env: "not a name" }, "systems.production.pass_env: expected the name of an environment variable"],
    [{ ...prod, pass_env: "MISSING_PASS" }, "systems.production.pass_env: the environment variable MISSING_PASS is not set"],
    [{ ...prod, timeuot_ms: 5 }, "systems.production.timeuot_ms: unknown setting"],
    [{ ...prod, url: "http://dialer.example.com", require_https: true }, "systems.production.url: require_https is true"],
    [{ url: "sandbox", user: "7777" }, "systems.production.pass_env: required with user"],
  ])("%j", (system, expected) => {
    const message = refusal({ systems: { production: system } });
    expect(message).toContain(`VICIDIAL_SYSTEMS_FILE: `);
    expect(message).toContain(expected);
    expect(message).not.toContain("secret");
  });

  it.each(["pass", "password", "PASS", "secret"])("a password written in the file (%s) is refused, without being quoted", (key) => {
    const message = refusal({ systems: { production: { ...prod, [key]: "hunter2-typed-in" } } });
    expect(message).toContain(`systems.production.${key}: a password may not be written in the systems file`);
    expect(message).toContain("pass_env");
    expect(message).not.toContain("hunter2");
  });

  it("refuses a default that names no system, unknown top-level keys, bad names and an empty file", () => {
    expect(refusal({ default: "prod", systems: { production: prod } })).toContain('default: "prod" is not one of the systems (production)');
    expect(refusal({ systems: { production: prod }, sytems: {} })).toContain("sytems: unknown key");
    expect(refusal({ systems: { "a b": prod } })).toContain("systems.a b: a system name holds");
    expect(refusal({ systems: {} })).toContain("systems: expected at least one system");
    expect(refusal(null)).toContain("expected a mapping");
  });
});

describe("reading the file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "config-systems-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("reads YAML and JSON alike", async () => {
    const yaml = write(
      "s.yaml",
      "default: lab\nsystems:\n  lab:\n    url: sandbox\n  production:\n    url: https://d.example.com\n    user: api\n    pass_env: PROD_PASS\n",
    );
    const json = write(
      "s.json",
      JSON.stringify({
        default: "lab",
        systems: { lab: { url: "sandbox" }, production: { url: "https://d.example.com", user: "api", pass_env: "PROD_PASS" } },
      }),
    );
    const a = await loadSystemsFile({ ...env, VICIDIAL_SYSTEMS_FILE: yaml }, base);
    const b = await loadSystemsFile({ ...env, VICIDIAL_SYSTEMS_FILE: json }, base);
    expect(a.systems).toEqual(b.systems);
    expect(a.defaultSystem).toBe("lab");
  });

  it("a syntax error names the file and the place, never the line's text", async () => {
    const bad = write("bad.yaml", "systems:\n  production:\n    url: https://d.example.com\n    pass: hunter2-typed-in\n      user: x\n");
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: bad }, base)).rejects.toThrow(/bad\.yaml is not valid YAML or JSON: .*line \d+/);
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: bad }, base)).rejects.not.toThrow(/hunter2/);
    const badJson = write("bad.json", '{"systems": {"p": {"pass": "hunter2-typed-in",}}}');
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: badJson }, base)).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: badJson }, base)).rejects.not.toThrow(/hunter2/);
  });

  it("refuses VICIDIAL_URL beside the file, and a file that cannot be read", async () => {
    const ok = write("ok.yaml", "systems:\n  lab:\n    url: sandbox\n");
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: ok, VICIDIAL_URL: "https://d.example.com" }, base)).rejects.toThrow(
      /VICIDIAL_URL: not used/,
    );
    await expect(loadSystemsFile({ VICIDIAL_SYSTEMS_FILE: path.join(dir, "none.yaml") }, base)).rejects.toThrow(/cannot read .*ENOENT/);
  });
});

describe("at start, through the built server", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "config-systems-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a password written in the file: exit 2 and one stderr line, without the password", async () => {
    const file = path.join(dir, "pw.yaml");
    writeFileSync(file, "systems:\n  production:\n    url: https://dialer.example.com\n    user: api\n    password: Tr0ub4dor-typed-in\n");
    const r = await runCli([], { VICIDIAL_SYSTEMS_FILE: file });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("VICIDIAL_SYSTEMS_FILE: systems.production.password: a password may not be written");
    expect(r.stderr + r.stdout).not.toContain("Tr0ub4dor");
  });

  it("a bad value: exit 2 and one stderr line naming the system and the field", async () => {
    const file = path.join(dir, "bad.yaml");
    writeFileSync(
      file,
      "systems:\n  staging:\n    url: sandbox\n  production:\n    url: https://dialer.example.com\n    user: api\n    pass_env: PROD_PASS\n    timeout_ms: 99\n",
    );
    const r = await runCli([], { VICIDIAL_SYSTEMS_FILE: file, PROD_PASS: "x1" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "vicidial-alturl-mcp: configuration error: VICIDIAL_SYSTEMS_FILE: systems.production.timeout_ms: expected a whole number from 100 to 600000, got 99",
    ]);
  });

  it("a missing password variable: exit 2 naming the variable", async () => {
    const file = path.join(dir, "env.yaml");
    writeFileSync(file, "systems:\n  production:\n    url: https://dialer.example.com\n    user: api\n    pass_env: PROD_PASS\n");
    const r = await runCli([], { VICIDIAL_SYSTEMS_FILE: file });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("systems.production.pass_env: the environment variable PROD_PASS is not set");
  });
});
