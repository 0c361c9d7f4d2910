/**
 * The organisation variables (VICIDIAL_WRITE_RATE, VICIDIAL_DESTRUCTIVE_RATE,
 * VICIDIAL_TOOLS, VICIDIAL_COORDINATION_URL, MCP_OAUTH_ISSUER,
 * MCP_OAUTH_AUDIENCE): their forms, and a bad value stopping the built
 * server at start with one stderr line naming the variable (exit 2), before
 * anything listens or connects.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { parseCoordinationUrl, parseRate } from "../src/config/org.js";
import { metadataUrls } from "../src/entry/oauth.js";
import { oauthSettingsFromEnv } from "../src/entry/oauthConfig.js";
import { selectTools } from "../src/server/toolSelection.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { runCli } from "./helpers/harness.js";

function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("rates", () => {
  it("defaults to 30 writes and 10 destructive calls per minute", () => {
    const c = loadConfig({});
    expect(c.writeRate).toEqual({ limit: 30, windowMs: 60_000, text: "30/min" });
    expect(c.destructiveRate).toEqual({ limit: 10, windowMs: 60_000, text: "10/min" });
  });

  it("reads calls per second, minute, hour or day, singular or plural, and off", () => {
    expect(parseRate("X", "5/s")).toMatchObject({ limit: 5, windowMs: 1000 });
    expect(parseRate("X", "5/sec")).toMatchObject({ limit: 5, windowMs: 1000 });
    expect(parseRate("X", "30/min")).toMatchObject({ limit: 30, windowMs: 60_000 });
    expect(parseRate("X", "30 / minutes")).toMatchObject({ limit: 30, windowMs: 60_000 });
    expect(parseRate("X", "100/hour")).toMatchObject({ limit: 100, windowMs: 3_600_000 });
    expect(parseRate("X", "100/hrs")).toMatchObject({ limit: 100, windowMs: 3_600_000 });
    expect(parseRate("X", "1000/day")).toMatchObject({ limit: 1000, windowMs: 86_400_000 });
    expect(parseRate("X", "off")).toBeNull();
  });

  it("refuses what is no rate, naming the variable", () => {
    for (const bad of ["30", "0/min", "-1/min", "30/ms", "30/fortnight", "thirty/min", "30/min/s"]) {
      expect(refusal(() => loadConfig({ VICIDIAL_WRITE_RATE: bad })).variable, bad).toBe("VICIDIAL_WRITE_RATE");
    }
    expect(refusal(() => loadConfig({ VICIDIAL_DESTRUCTIVE_RATE: "ten/min" })).message).toMatch(/30\/min, 5\/s, 100\/hour/);
  });
});

describe("VICIDIAL_TOOLS", () => {
  const read = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
  const write = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);

  it("names tools and groups; read and write are the read-only tools and the others", () => {
    expect(selectTools(null, ALL_TOOLS)).toBeNull();
    expect([...selectTools(["read"], ALL_TOOLS)!].sort()).toEqual([...read].sort());
    expect([...selectTools(["write"], ALL_TOOLS)!].sort()).toEqual([...write].sort());
    expect([...selectTools(["read", "delete_alt_url", " SET_ALT_URL "], ALL_TOOLS)!].sort()).toEqual(
      [...read, "delete_alt_url", "set_alt_url"].sort(),
    );
  });

  it("groups name the tools of deliveries, configuration as code and history, present in this build or not", () => {
    expect([...selectTools(["deliveries"], ALL_TOOLS)!]).toEqual(["list_url_deliveries"]);
    expect([...selectTools(["config"], ALL_TOOLS)!]).toEqual(["export_alt_urls", "plan_alt_urls", "apply_alt_urls"]);
    expect([...selectTools(["history"], ALL_TOOLS)!]).toEqual(["list_changes", "undo_change"]);
    expect([...selectTools(["undo_change"], ALL_TOOLS)!]).toEqual(["undo_change"]);
  });

  it("a name that is no tool or group is refused with every valid one", () => {
    const e = refusal(() => selectTools(["read", "delete_url"], ALL_TOOLS));
    expect(e.variable).toBe("VICIDIAL_TOOLS");
    expect(e.message).toMatch(/"delete_url" is no tool or group/);
    expect(e.message).toMatch(/Valid groups: read, write, deliveries, config, history\./);
    for (const t of ALL_TOOLS) expect(e.message).toContain(t.name);
  });
});

describe("VICIDIAL_COORDINATION_URL", () => {
  it("takes redis://, rediss:// and valkey:// (as redis://) with a password and a database number", () => {
    expect(parseCoordinationUrl(undefined)).toBeNull();
    expect(parseCoordinationUrl("redis://redis.internal:6379")).toBe("redis://redis.internal:6379");
    expect(parseCoordinationUrl("valkey://:pw@cache:6380/2")).toBe("redis://:pw@cache:6380/2");
    expect(parseCoordinationUrl("valkeys://cache")).toBe("rediss://cache");
  });

  it("refuses other schemes and paths, never quoting a password", () => {
    expect(refusal(() => parseCoordinationUrl("http://cache:6379")).message).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(refusal(() => parseCoordinationUrl("redis://cache/keys")).message).toMatch(/database number/);
    const e = refusal(() => parseCoordinationUrl("redis://:Sup3rSecret@cache/keys"));
    expect(e.message).not.toContain("Sup3rSecret");
  });
});

describe("MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE", () => {
  it("both or neither; https (http for loopback only); no query, fragment or credentials", () => {
    expect(oauthSettingsFromEnv({})).toBeNull();
    expect(
      oauthSettingsFromEnv({ MCP_OAUTH_ISSUER: "https://kc.example.com/realms/cc", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" }),
    ).toEqual({ issuer: "https://kc.example.com/realms/cc", audience: "https://mcp.example.com/mcp" });
    const cases: [Record<string, string>, string][] = [
      [{ MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" }, "MCP_OAUTH_AUDIENCE"],
      [{ MCP_OAUTH_ISSUER: "https://kc.example.com" }, "MCP_OAUTH_AUDIENCE"],
      [{ MCP_OAUTH_ISSUER: "kc.example.com", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" }, "MCP_OAUTH_ISSUER"],
      [{ MCP_OAUTH_ISSUER: "http://kc.example.com", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" }, "MCP_OAUTH_ISSUER"],
      [{ MCP_OAUTH_ISSUER: "https://kc.example.com", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp#x" }, "MCP_OAUTH_AUDIENCE"],
      [{ MCP_OAUTH_ISSUER: "https://u:p@kc.example.com", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" }, "MCP_OAUTH_ISSUER"],
    ];
    for (const [env, variable] of cases) expect(refusal(() => oauthSettingsFromEnv(env)).variable, JSON.stringify(env)).toBe(variable);
    expect(
      oauthSettingsFromEnv({ MCP_OAUTH_ISSUER: "http://127.0.0.1:8080", MCP_OAUTH_AUDIENCE: "http://localhost:3000/mcp" }),
    ).not.toBeNull();
  });

  it("the issuer's metadata is looked for where OpenID Connect and RFC 8414 put it", () => {
    expect(metadataUrls("https://kc.example.com/realms/cc")).toEqual([
      "https://kc.example.com/realms/cc/.well-known/openid-configuration",
      "https://kc.example.com/.well-known/oauth-authorization-server/realms/cc",
      "https://kc.example.com/.well-known/openid-configuration/realms/cc",
    ]);
    expect(metadataUrls("https://tenant.auth0.com/")).toEqual([
      "https://tenant.auth0.com/.well-known/openid-configuration",
      "https://tenant.auth0.com/.well-known/oauth-authorization-server",
    ]);
  });
});

describe("the built server refuses to start on a bad value (one line naming the variable, exit 2)", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], { VICIDIAL_WRITE_RATE: "lots" }, /^vicidial-alturl-mcp: configuration error: VICIDIAL_WRITE_RATE: /],
    [[], { VICIDIAL_DESTRUCTIVE_RATE: "5/fortnight" }, /^vicidial-alturl-mcp: configuration error: VICIDIAL_DESTRUCTIVE_RATE: /],
    [
      [],
      { VICIDIAL_TOOLS: "read,delete_url" },
      /^vicidial-alturl-mcp: configuration error: VICIDIAL_TOOLS: "delete_url" is no tool or group\. Valid groups: read, write, deliveries, config, history\. Valid tools: list_campaigns, /,
    ],
    [
      [],
      { VICIDIAL_COORDINATION_URL: "memcached://cache:11211" },
      /^vicidial-alturl-mcp: configuration error: VICIDIAL_COORDINATION_URL: /,
    ],
    [
      ["--http", "--port", "0"],
      { MCP_OAUTH_ISSUER: "https://kc.example.com" },
      /^vicidial-alturl-mcp: configuration error: MCP_OAUTH_AUDIENCE: required/,
    ],
    [
      ["--http", "--port", "0"],
      { MCP_OAUTH_ISSUER: "not a url", MCP_OAUTH_AUDIENCE: "https://mcp.example.com/mcp" },
      /^vicidial-alturl-mcp: configuration error: MCP_OAUTH_ISSUER: /,
    ],
  ];
  it.each(cases)("%j with %j", async (args, env, line) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(line);
  });

  it("beyond loopback with neither MCP_HTTP_TOKEN nor OAuth it refuses, naming both ways", async () => {
    const r = await runCli(["--http", "--host", "0.0.0.0", "--port", "0"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MCP_HTTP_TOKEN: required to listen on 0\.0\.0\.0 .*MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE/);
  });
});
