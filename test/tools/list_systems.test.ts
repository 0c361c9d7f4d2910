/**
 * list_systems: every configured system with its address and settings, from
 * the configuration alone (no request, no sandbox started), never a user or
 * password; `system` narrows it to one, an unknown name is INVALID_INPUT.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { inProcessSystems } from "../helpers/systems.js";

type View = Record<string, unknown> & { name: string; url: string };

describe("list_systems with the single-system variables", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess({ env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,3001", VICIDIAL_TIMEOUT_MS: "4000" } });
  });
  afterAll(async () => h.close());

  it("shows the one system, default, with its address and restrictions and no credentials", async () => {
    h.sandbox.resetStats();
    const r = await call(h.client, "list_systems");
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.default_system).toBe("default");
    expect(r.structured.systems).toEqual([
      {
        name: "default",
        default: true,
        url: h.sandbox.url,
        sandbox: true,
        started: true,
        source: "mcpalturl",
        timeout_ms: 4000,
        read_only: false,
        allowed_campaigns: ["2001", "3001"],
        require_https: false,
        allowed_url_hosts: null,
        max_concurrency: 4,
      },
    ]);
    expect(JSON.stringify(r.raw)).not.toContain("sandbox1234");
    expect(r.text).toContain(`default: ${h.sandbox.url}`);
    expect(h.sandbox.stats().requests).toBe(0);
  });
});

describe("list_systems with several systems", () => {
  let production: Sandbox;
  let h: Awaited<ReturnType<typeof inProcessSystems>>;
  beforeAll(async () => {
    production = await startSandbox();
    h = await inProcessSystems({
      systems: [{ name: "staging" }, { name: "production", sandbox: production, readOnly: true, allowedCampaigns: ["2001"] }],
      defaultSystem: null,
    });
  });
  afterAll(async () => {
    await h.close();
    await production.close();
  });

  it("lists each system in order, an unstarted sandbox as `sandbox`, with no default", async () => {
    const r = await call(h.client, "list_systems");
    expect(r.isError, r.text).toBe(false);
    const systems = r.structured.systems as View[];
    expect(systems.map((s) => [s.name, s.url, s.started, s.read_only, s.default])).toEqual([
      ["staging", "sandbox", false, false, false],
      ["production", production.url, true, true, false],
    ]);
    expect(r.structured.default_system).toBeNull();
    expect(r.structured.system).toBeUndefined();
    expect(r.text).toMatch(/no default: every call must name its system/);
    expect(r.text).toContain("production: " + production.url + " (read-only; campaigns 2001)");
    for (const s of systems) expect(Object.keys(s).filter((k) => /user|pass/i.test(k))).toEqual([]);
    expect(production.stats().requests).toBe(0);
  });

  it("system narrows the list to one and names it in the result", async () => {
    const r = await call(h.client, "list_systems", { system: "production" });
    expect((r.structured.systems as View[]).map((s) => s.name)).toEqual(["production"]);
    expect(r.structured.system).toBe("production");
    expect(r.structured.sandbox).toBe(false);
  });

  it("an unknown system is INVALID_INPUT listing the systems", async () => {
    const r = await call(h.client, "list_systems", { system: "prod" });
    expect(r.structured.error?.code).toBe("INVALID_INPUT");
    expect(r.structured.error?.field).toBe("system");
    expect(r.structured.error?.fix).toContain("staging, production");
  });
});
