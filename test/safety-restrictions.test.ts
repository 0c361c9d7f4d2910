/**
 * Guarantee 7 (issue 3): VICIDIAL_READ_ONLY registers no write tool at all;
 * VICIDIAL_ALLOWED_CAMPAIGNS refuses other campaigns before any request and
 * filters list_campaigns; VICIDIAL_REQUIRE_HTTPS and VICIDIAL_ALLOWED_URL_HOSTS
 * refuse URLs before any request, each with the fix.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call, type InProcess } from "./helpers/harness.js";
import { open } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const WRITE_TOOLS = [
  "set_alt_url",
  "enable_alt_url",
  "disable_alt_url",
  "delete_alt_url",
  "enable_alt_url_mode",
  "copy_alt_urls",
  "test_alt_url",
];
const hasCopy = ALL_TOOLS.some((t) => t.name === "copy_alt_urls");

/** Call and prove the sandbox saw no request at all. */
async function refusedWithoutRequest(tool: string, args: Record<string, unknown>, code: string) {
  h!.sandbox.resetStats();
  const r = await call(h!.client, tool, args);
  expect(r.structured.error?.code, `${tool} ${r.text}`).toBe(code);
  expect(r.structured.error?.fix.length).toBeGreaterThan(0);
  expect(h!.sandbox.stats().requests).toBe(0);
  return r.structured.error!;
}

describe("VICIDIAL_READ_ONLY", () => {
  it("registers no write tool: tools/list offers only read-only tools", async () => {
    h = await open({ env: { VICIDIAL_READ_ONLY: "true" } });
    const { tools } = await h.client.listTools();
    const names = tools.map((t) => t.name);
    for (const w of WRITE_TOOLS) expect(names).not.toContain(w);
    expect(names).toEqual(expect.arrayContaining(["list_campaigns", "list_alt_urls", "check_connection"]));
    for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
  });

  it("a write tool called anyway answers READ_ONLY with the variable to change, and nothing is sent", async () => {
    h = await open({ env: { VICIDIAL_READ_ONLY: "true" } });
    const before = h.sandbox.dump();
    const readTools = (await h.client.listTools()).tools.map((t) => t.name);
    for (const name of WRITE_TOOLS) {
      const args =
        name === "test_alt_url"
          ? { url: "https://crm.example.com/a" }
          : { campaign_id: "2001", statuses: ["X"], url: "https://crm.example.com/a" };
      const error = await refusedWithoutRequest(name, args, "READ_ONLY");
      expect(error).toMatchObject({ retryable: false, vicidial_response: null });
      expect(error.message).toContain(name);
      expect(error.message).toContain("read-only");
      expect(error.fix).toContain("VICIDIAL_READ_ONLY=false");
      // And what can be done meanwhile.
      for (const read of readTools) expect(error.fix).toContain(read);
    }
    const r = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["X"], url: "https://crm.example.com/a" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("READ_ONLY");
    expect(r.text).toContain("VICIDIAL_READ_ONLY=false");
    expect(h.sandbox.dump()).toBe(before);
  });

  it("an unknown tool name answers with the names of the tools there are, and a likely one", async () => {
    for (const env of [{}, { VICIDIAL_READ_ONLY: "true" }] as Record<string, string>[]) {
      h = await open({ env });
      const names = (await h.client.listTools()).tools.map((t) => t.name);
      const error = await refusedWithoutRequest("list_alt_url", {}, "INVALID_INPUT");
      expect(error).toMatchObject({ field: "name" });
      expect(error.message).toContain('Unknown tool "list_alt_url"');
      expect(error.message).toContain("Did you mean list_alt_urls?");
      for (const name of names) expect(error.fix).toContain(name);
      const far = await refusedWithoutRequest("make_coffee", {}, "INVALID_INPUT");
      expect(far.message).not.toContain("Did you mean");
      await h.close();
      h = null;
    }
  });

  it("without it, every write tool that exists is registered", async () => {
    h = await open();
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(["set_alt_url", "enable_alt_url", "disable_alt_url", "delete_alt_url", "enable_alt_url_mode"]),
    );
  });
});

describe("VICIDIAL_ALLOWED_CAMPAIGNS", () => {
  const env = { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,2002" };

  it("filters list_campaigns", async () => {
    h = await open({ env });
    const r = await call(h.client, "list_campaigns");
    expect((r.structured.campaigns as { id: string }[]).map((c) => c.id)).toEqual(["2001", "2002"]);
  });

  const calls: [string, Record<string, unknown>][] = [
    ["list_alt_urls", { campaign_id: "3001" }],
    ["set_alt_url", { campaign_id: "3001", statuses: ["SALE"], url: "https://crm.example.com/a" }],
    ["set_alt_url", { campaign_id: "3001", statuses: ["SALE"], url: "https://crm.example.com/a", dry_run: true }],
    ["enable_alt_url", { campaign_id: "3001", id: 5 }],
    ["disable_alt_url", { campaign_id: "3001", id: 5 }],
    ["delete_alt_url", { campaign_id: "3001", id: 5 }],
    ["enable_alt_url_mode", { campaign_id: "3001" }],
    ["enable_alt_url_mode", { campaign_id: "3001", dry_run: true }],
  ];
  for (const [tool, args] of calls) {
    it(`${tool} ${JSON.stringify(args)} is refused with CAMPAIGN_NOT_ALLOWED before any request`, async () => {
      h = await open({ env });
      const before = h.sandbox.dump();
      const e = await refusedWithoutRequest(tool, args, "CAMPAIGN_NOT_ALLOWED");
      expect(e.field).toBe("campaign_id");
      expect(e.cause).toContain("2001, 2002");
      expect(e.fix).toContain("VICIDIAL_ALLOWED_CAMPAIGNS");
      expect(h.sandbox.dump()).toBe(before);
    });
  }

  it.skipIf(!hasCopy)("copy_alt_urls from another campaign is refused before any request", async () => {
    h = await open({ env });
    await refusedWithoutRequest("copy_alt_urls", { from_campaign_id: "3001", to_campaign_ids: ["2002"] }, "CAMPAIGN_NOT_ALLOWED");
  });

  it.skipIf(!hasCopy)(
    "copy_alt_urls to another campaign: that target fails with CAMPAIGN_NOT_ALLOWED and no request names it",
    async () => {
      h = await open({ env });
      const before = h.sandbox.dump();
      h.sandbox.resetStats();
      const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true });
      const results = r.structured.results as { campaign_id: string; ok: boolean; error: { code: string } | null }[];
      expect(results.map((x) => [x.campaign_id, x.ok, x.error?.code])).toEqual([["3001", false, "CAMPAIGN_NOT_ALLOWED"]]);
      expect(h.sandbox.stats().log.filter((q) => q.params.some(([k, v]) => k === "campaign_id" && v === "3001"))).toEqual([]);
      expect(h.sandbox.dump()).toBe(before);
    },
  );

  it("allowed campaigns still work", async () => {
    h = await open({ env });
    const r = await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(r.isError, r.text).toBe(false);
  });
});

describe("VICIDIAL_REQUIRE_HTTPS", () => {
  const env = { VICIDIAL_REQUIRE_HTTPS: "true" };

  it("refuses plain http:// Alt URLs before any request, with the https form as the fix", async () => {
    h = await open({ env });
    const e = await refusedWithoutRequest(
      "set_alt_url",
      { campaign_id: "2001", statuses: ["SALE"], url: "http://crm.example.com/a b?l=--A--lead_id--B--" },
      "INVALID_INPUT",
    );
    expect(e.field).toBe("url");
    expect(e.message).toContain("VICIDIAL_REQUIRE_HTTPS");
    expect(e.fix).toBe('Use "https://crm.example.com/a%20b?l=--A--lead_id--B--".');
    const p = await refusedWithoutRequest(
      "enable_alt_url_mode",
      { campaign_id: "2002", preserve_url: "http://helpdesk.example.com/old" },
      "INVALID_INPUT",
    );
    expect(p.field).toBe("preserve_url");
    expect(p.fix).toContain("https://helpdesk.example.com/old");
  });

  it("accepts https://", async () => {
    h = await open({ env });
    const r = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["SALE"], url: "https://crm.example.com/a" });
    expect(r.isError, r.text).toBe(false);
  });

  it("refuses to start with a plain http:// VICIDIAL_URL to another host (loopback excepted)", () => {
    const base = { VICIDIAL_USER: "u", VICIDIAL_PASS: "p", VICIDIAL_REQUIRE_HTTPS: "true" };
    expect(() => loadConfig({ ...base, VICIDIAL_URL: "http://dialer.example.com" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, VICIDIAL_URL: "http://127.0.0.1:8080" })).not.toThrow();
    expect(loadConfig({ ...base, VICIDIAL_REQUIRE_HTTPS: "false", VICIDIAL_URL: "http://dialer.example.com" }).warnings.join(" ")).toMatch(
      /in clear/,
    );
  });
});

describe("VICIDIAL_ALLOWED_URL_HOSTS", () => {
  const env = { VICIDIAL_ALLOWED_URL_HOSTS: "crm.example.com,*.hooks.example.org" };
  const set = (url: string) => ({ campaign_id: "2001", statuses: ["HOST"], url });

  for (const url of [
    "https://evil.example.net/x",
    "https://hooks.example.org/x",
    "https://crm.example.com.evil.net/x",
    "https://--A--server_ip--B--/x",
  ]) {
    it(`refuses ${url} before any request, naming the setting`, async () => {
      h = await open({ env });
      const e = await refusedWithoutRequest("set_alt_url", set(url), "INVALID_INPUT");
      expect(e.field).toBe("url");
      expect(e.message).toContain("VICIDIAL_ALLOWED_URL_HOSTS");
      expect(e.message).toContain("crm.example.com, *.hooks.example.org");
    });
  }

  it("the fix names the host to add", async () => {
    h = await open({ env });
    const e = await refusedWithoutRequest("set_alt_url", set("https://evil.example.net/x"), "INVALID_INPUT");
    expect(e.fix).toContain('add "evil.example.net" to VICIDIAL_ALLOWED_URL_HOSTS');
  });

  it("applies to preserve_url too", async () => {
    h = await open({ env });
    const e = await refusedWithoutRequest(
      "enable_alt_url_mode",
      { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" },
      "INVALID_INPUT",
    );
    expect(e.field).toBe("preserve_url");
  });

  for (const url of [
    "https://crm.example.com/x",
    "https://CRM.Example.com/x",
    "https://a.hooks.example.org/x",
    "https://a.b.hooks.example.org:8443/x",
  ]) {
    it(`accepts ${url}`, async () => {
      h = await open({ env });
      const r = await call(h.client, "set_alt_url", set(url));
      expect(r.isError, r.text).toBe(false);
    });
  }
});
