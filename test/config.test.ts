/** Configuration exactly as the contract's table; a bad value is one stderr line and exit 2. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDotenvFile } from "../src/config/dotenvFile.js";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { runCli } from "./helpers/harness.js";

const real = { VICIDIAL_URL: "https://dialer.example.com", VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "apipass8" };

function variableOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).variable;
  }
  return "none";
}

describe("loadConfig", () => {
  it("defaults: sandbox with the classic admin user", () => {
    const c = loadConfig({ XDG_STATE_HOME: "/tmp/state" });
    expect(c).toMatchObject({
      vicidialUrl: null,
      user: "6666",
      source: "mcpalturl",
      timeoutMs: 15000,
      readOnly: false,
      allowedCampaigns: null,
      requireHttps: false,
      allowedUrlHosts: null,
      maxConcurrency: 4,
    });
    if (process.platform === "linux") expect(c.auditLog).toBe("/tmp/state/vicidial-alturl-mcp/audit.jsonl");
  });

  it("reads every variable", () => {
    const c = loadConfig({
      ...real,
      VICIDIAL_SOURCE: "crm2",
      VICIDIAL_TIMEOUT_MS: "5000",
      VICIDIAL_READ_ONLY: "true",
      VICIDIAL_ALLOWED_CAMPAIGNS: "2001, sales2",
      VICIDIAL_REQUIRE_HTTPS: "1",
      VICIDIAL_ALLOWED_URL_HOSTS: "crm.example.com,*.example.org",
      VICIDIAL_AUDIT_LOG: "off",
      VICIDIAL_MAX_CONCURRENCY: "8",
    });
    expect(c).toMatchObject({
      vicidialUrl: "https://dialer.example.com",
      source: "crm2",
      timeoutMs: 5000,
      readOnly: true,
      allowedCampaigns: ["2001", "SALES2"],
      requireHttps: true,
      allowedUrlHosts: ["crm.example.com", "*.example.org"],
      auditLog: null,
      maxConcurrency: 8,
    });
  });

  it("keeps the web root when given a /vicidial/ URL", () => {
    expect(loadConfig({ ...real, VICIDIAL_URL: "https://dialer.example.com/vicidial/non_agent_api.php" }).vicidialUrl).toBe(
      "https://dialer.example.com",
    );
  });

  it("names the variable of every bad value", () => {
    expect(variableOf({ VICIDIAL_URL: "https://d.example.com", VICIDIAL_PASS: "x" })).toBe("VICIDIAL_USER");
    expect(variableOf({ VICIDIAL_URL: "https://d.example.com", VICIDIAL_USER: "x" })).toBe("VICIDIAL_PASS");
    expect(variableOf({ ...real, VICIDIAL_URL: "dialer" })).toBe("VICIDIAL_URL");
    expect(variableOf({ ...real, VICIDIAL_SOURCE: "mcp-alt" })).toBe("VICIDIAL_SOURCE");
    expect(variableOf({ ...real, VICIDIAL_TIMEOUT_MS: "soon" })).toBe("VICIDIAL_TIMEOUT_MS");
    expect(variableOf({ ...real, VICIDIAL_READ_ONLY: "maybe" })).toBe("VICIDIAL_READ_ONLY");
    expect(variableOf({ ...real, VICIDIAL_MAX_CONCURRENCY: "0" })).toBe("VICIDIAL_MAX_CONCURRENCY");
    expect(variableOf({ ...real, VICIDIAL_ALLOWED_CAMPAIGNS: "AN_IN_GROUP_ID_OVER_20" })).toBe("VICIDIAL_ALLOWED_CAMPAIGNS");
    expect(variableOf({ ...real, VICIDIAL_ALLOWED_URL_HOSTS: "https://crm.example.com/" })).toBe("VICIDIAL_ALLOWED_URL_HOSTS");
    expect(variableOf({ ...real, VICIDIAL_URL: "http://dialer.example.com", VICIDIAL_REQUIRE_HTTPS: "true" })).toBe("VICIDIAL_URL");
  });

  it("warns about plain http to another host and about passwords VICIdial strips", () => {
    const c = loadConfig({ ...real, VICIDIAL_URL: "http://dialer.example.com", VICIDIAL_PASS: "pa$$;word" });
    expect(c.warnings.join("\n")).toMatch(/in clear/);
    expect(c.warnings.join("\n")).toMatch(/strips/);
    expect(c.warnings.join("\n")).not.toContain("pa$$;word");
    expect(loadConfig({ ...real, VICIDIAL_URL: "http://127.0.0.1:8080" }).warnings).toEqual([]);
  });
});

describe("the CLI with a bad value", () => {
  it("prints one stderr line naming the variable and exits 2, stdout untouched", async () => {
    const r = await runCli([], { ...real, VICIDIAL_TIMEOUT_MS: "-5" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/VICIDIAL_TIMEOUT_MS/);
  });

  it("warns on stderr when the password holds characters VICIdial strips, without showing it", async () => {
    const r = await runCli(["doctor"], {
      VICIDIAL_URL: "http://127.0.0.1:9",
      VICIDIAL_USER: "6666",
      VICIDIAL_PASS: "12#34",
      VICIDIAL_TIMEOUT_MS: "2000",
    });
    expect(r.stderr).toMatch(/VICIDIAL_PASS holds characters VICIdial strips/);
    expect(r.stderr + r.stdout).not.toContain("12#34");
  });
});

describe("credentials in a URL are never quoted", () => {
  const secretUrls = [
    "https://apiuser:Zq9secretPW@dialer example.com", // unparsable: a space in the host
    "https://apiuser:Zq9secretPW@dialer.example.com:99999/", // unparsable: bad port
    "apiuser:Zq9secretPW@dialer.example.com", // no scheme: would parse as the scheme "apiuser:"
    "https://Zq9secretPW@dialer.example.com", // a token alone
    "https:/apiuser:Zq9secretPW@dialer.example.com",
    "https:\\\\apiuser:Zq9secretPW@dialer.example.com",
  ];

  it.each(secretUrls)("VICIDIAL_URL=%s is refused naming the variable, without its user information", (url) => {
    let message = "";
    try {
      loadConfig({ ...real, VICIDIAL_URL: url });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe("VICIDIAL_URL");
      message = (err as Error).message;
    }
    expect(message).toMatch(/user name or password/);
    expect(message).not.toContain("Zq9secretPW");
    expect(message).not.toContain("apiuser");
  });

  it("VICIDIAL_ALLOWED_URL_HOSTS and unknown arguments are quoted without user information", async () => {
    let message = "";
    try {
      loadConfig({ ...real, VICIDIAL_ALLOWED_URL_HOSTS: "https://bot:Zq9secretPW@crm.example.com" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('"https://***@crm.example.com"');
    const r = await runCli(["https://bot:Zq9secretPW@crm.example.com"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("Zq9secretPW");
  });

  it("the start-up error of an unparsable VICIDIAL_URL holding user:password@ does not show them", async () => {
    const r = await runCli([], { ...real, VICIDIAL_URL: secretUrls[0]! });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VICIDIAL_URL/);
    expect(r.stderr).not.toContain("Zq9secretPW");
    expect(r.stdout).toBe("");
  });
});

describe("the .env file", () => {
  it("fills only variables the environment does not set, and a folder without one changes nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "alturl-env-"));
    try {
      writeFileSync(path.join(dir, ".env"), "VICIDIAL_USER=fromfile\nVICIDIAL_SOURCE=filesrc\n# a comment\nDOTENV_CONFIG_DEBUG=true\n");
      const env: Record<string, string> = { VICIDIAL_USER: "fromenv" };
      expect(await loadDotenvFile({ cwd: dir, env })).toEqual([]);
      expect(env).toEqual({ VICIDIAL_USER: "fromenv", VICIDIAL_SOURCE: "filesrc", DOTENV_CONFIG_DEBUG: "true" });
      const untouched: Record<string, string> = {};
      expect(await loadDotenvFile({ cwd: path.join(dir, "nowhere"), env: untouched })).toEqual([]);
      expect(untouched).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
