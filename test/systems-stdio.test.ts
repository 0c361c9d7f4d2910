/**
 * Several VICIdial systems from one server, over stdio with the built
 * server: two sandboxes this test starts (so their request logs and failed
 * logins can be read), named in a VICIDIAL_SYSTEMS_FILE with a random
 * password each. Routing by `system`, no default, copying from one system to
 * another (dry run, confirmation, replace), the audit log naming the system
 * of every record, and no password of any system anywhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { writeRequests } from "./faults-helpers.js";
import { type CallResult, call, type Spawned, spawnStdio } from "./helpers/harness.js";
import { randomPass, seedWithPassword } from "./helpers/systems.js";

const STAGING_PASS = randomPass();
const PROD_PASS = randomPass();
const HOOK = "https://crm.example.com/promoted?lead=--A--lead_id--B--";

let staging: Sandbox;
let production: Sandbox;
let dir: string;
let audit: string;
let server: Spawned;
let answer: ElicitResult = { action: "decline" };
const asked: string[] = [];
const seen: string[] = [];

async function tool(name: string, args: Record<string, unknown>): Promise<CallResult> {
  const r = await call(server.client, name, args);
  seen.push(JSON.stringify(r.raw));
  return r;
}

const rowsOf = (r: CallResult) => r.structured.alt_urls as { id: number; statuses: string[]; url: string }[];

beforeAll(async () => {
  staging = await startSandbox({ seed: seedWithPassword(STAGING_PASS) });
  production = await startSandbox({ seed: seedWithPassword(PROD_PASS) });
  dir = mkdtempSync(path.join(os.tmpdir(), "systems-stdio-"));
  audit = path.join(dir, "audit.jsonl");
  const file = path.join(dir, "systems.yaml");
  writeFileSync(
    file,
    [
      "# no default: every call names its system",
      "systems:",
      "  staging:",
      `    url: ${staging.url}`,
      "    user: 6666",
      "    pass_env: STAGING_VICIDIAL_PASS",
      "  production:",
      `    url: ${production.url}`,
      '    user: "6666"',
      "    pass_env: PROD_VICIDIAL_PASS",
      "    allowed_campaigns: [2001, 3001]",
      "",
    ].join("\n"),
  );
  server = await spawnStdio(
    { VICIDIAL_SYSTEMS_FILE: file, STAGING_VICIDIAL_PASS: STAGING_PASS, PROD_VICIDIAL_PASS: PROD_PASS, VICIDIAL_AUDIT_LOG: audit },
    {
      elicit: (message) => {
        asked.push(message);
        return answer;
      },
    },
  );
});

afterAll(async () => {
  await server?.close();
  await staging?.close();
  await production?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("two sandboxes as two systems, no default", () => {
  it("starts and lists its tools without a single request to either system", async () => {
    const names = (await server.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["list_systems", "set_alt_url", "copy_alt_urls"]));
    expect(staging.stats().requests).toBe(0);
    expect(production.stats().requests).toBe(0);
  });

  it("a call without system is INVALID_INPUT listing the systems, and nothing is sent", async () => {
    const r = await tool("list_alt_urls", { campaign_id: "2001" });
    expect(r.isError).toBe(true);
    expect(r.structured.error?.code).toBe("INVALID_INPUT");
    expect(r.structured.error?.field).toBe("system");
    expect(r.structured.error?.message).toContain("staging, production");
    expect(r.structured.error?.fix).toMatch(/staging, production/);
    expect(r.structured.system).toBeUndefined();
    const w = await tool("set_alt_url", { campaign_id: "2001", statuses: ["SALE"], url: HOOK });
    expect(w.structured.error?.code).toBe("INVALID_INPUT");
    expect(w.structured.error?.field).toBe("system");
    expect(staging.stats().requests + production.stats().requests).toBe(0);
  });

  it("an unknown system is INVALID_INPUT listing the systems", async () => {
    const r = await tool("list_campaigns", { system: "prod" });
    expect(r.structured.error?.code).toBe("INVALID_INPUT");
    expect(r.structured.error?.message).toContain('"prod"');
    expect(r.structured.error?.fix).toContain("staging, production");
  });

  it("routes every call to the system it names, and results carry that system", async () => {
    const created = await tool("set_alt_url", { system: "staging", campaign_id: "2001", statuses: ["PROMO"], url: HOOK });
    expect(created.isError, created.text).toBe(false);
    expect(created.structured).toMatchObject({ system: "staging", sandbox: false, action: "created" });
    expect(writeRequests(staging.stats().log).length).toBeGreaterThan(0);
    expect(production.stats().requests).toBe(0);

    const onStaging = await tool("list_alt_urls", { system: "staging", campaign_id: "2001" });
    const onProduction = await tool("list_alt_urls", { system: "production", campaign_id: "2001" });
    expect(onStaging.structured.system).toBe("staging");
    expect(onProduction.structured.system).toBe("production");
    expect(rowsOf(onStaging).some((r) => r.url === HOOK)).toBe(true);
    expect(rowsOf(onProduction).some((r) => r.url === HOOK)).toBe(false);
    // Each system keeps its own restrictions: production allows 2001 and 3001 only.
    const refused = await tool("list_alt_urls", { system: "production", campaign_id: "2002" });
    expect(refused.structured.error?.code).toBe("CAMPAIGN_NOT_ALLOWED");
    const allowedOnStaging = await tool("list_alt_urls", { system: "staging", campaign_id: "2002" });
    expect(allowedOnStaging.structured.error?.code).not.toBe("CAMPAIGN_NOT_ALLOWED");
  });

  it("copies from staging to production: the dry run sends no write, the copy creates, a second copy changes nothing", async () => {
    production.resetStats();
    const before = rowsOf(await tool("list_alt_urls", { system: "production", campaign_id: "2001" }));
    const args = { from_system: "staging", to_system: "production", from_campaign_id: "2001", to_campaign_ids: ["2001"] };

    const dry = await tool("copy_alt_urls", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.structured).toMatchObject({ system: "production", from_system: "staging", to_system: "production", dry_run: true });
    const planned = (dry.structured.results as { ok: boolean; created: number }[])[0]!;
    expect(planned.ok).toBe(true);
    expect(planned.created).toBeGreaterThanOrEqual(1);
    expect(dry.text).toMatch(/Would copy .* from staging's campaign 2001 .* on production/);
    expect(writeRequests(production.stats().log)).toEqual([]);
    expect(rowsOf(await tool("list_alt_urls", { system: "production", campaign_id: "2001" }))).toEqual(before);

    const done = await tool("copy_alt_urls", args);
    expect(done.isError, done.text).toBe(false);
    const result = (done.structured.results as { ok: boolean; created: number }[])[0]!;
    expect(result.ok).toBe(true);
    expect(result.created).toBe(planned.created);
    const after = rowsOf(await tool("list_alt_urls", { system: "production", campaign_id: "2001" }));
    expect(after.find((r) => r.statuses.join(" ") === "PROMO")?.url).toBe(HOOK);

    const again = await tool("copy_alt_urls", args);
    const second = (again.structured.results as { created: number; updated: number; unchanged: number }[])[0]!;
    expect([second.created, second.updated]).toEqual([0, 0]);
    expect(second.unchanged).toBeGreaterThanOrEqual(1);
  });

  it("replace asks once, naming production and the row it would delete; declined deletes nothing, accepted deletes it", async () => {
    const extra = await tool("set_alt_url", {
      system: "production",
      campaign_id: "2001",
      statuses: ["ONLYPROD"],
      url: "https://crm.example.com/x",
    });
    const extraId = (extra.structured.alt_url as { id: number }).id;
    const args = { from_system: "staging", to_system: "production", from_campaign_id: "2001", to_campaign_ids: ["2001"], replace: true };

    answer = { action: "decline" };
    const declined = await tool("copy_alt_urls", args);
    expect(declined.structured.error?.code).toBe("DECLINED");
    expect(asked.at(-1)).toContain("production's campaign 2001");
    expect(asked.at(-1)).toContain(`Alt URL ${extraId}`);
    let rows = rowsOf(await tool("list_alt_urls", { system: "production", campaign_id: "2001" }));
    expect(rows.some((r) => r.id === extraId)).toBe(true);

    answer = { action: "accept", content: { confirm: true } };
    const accepted = await tool("copy_alt_urls", args);
    expect(accepted.isError, accepted.text).toBe(false);
    const target = (accepted.structured.results as { ok: boolean; deleted: number }[])[0]!;
    expect(target).toMatchObject({ ok: true, deleted: 1 });
    rows = rowsOf(await tool("list_alt_urls", { system: "production", campaign_id: "2001" }));
    expect(rows.some((r) => r.id === extraId)).toBe(false);
    // The source system is only read.
    const stagingRows = rowsOf(await tool("list_alt_urls", { system: "staging", campaign_id: "2001" }));
    expect(stagingRows.some((r) => r.statuses.join(" ") === "ONLYPROD")).toBe(false);
  });

  it("the audit log names the system of every record", () => {
    const records = readFileSync(audit, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { system: string; tool: string; result: string; after: { statuses?: string[] } | null });
    expect(records.length).toBeGreaterThan(4);
    for (const r of records) expect(["staging", "production"]).toContain(r.system);
    const onStaging = records.filter((r) => r.system === "staging");
    const onProduction = records.filter((r) => r.system === "production");
    expect(onStaging.some((r) => r.tool === "set_alt_url")).toBe(true);
    // The copy wrote to production only.
    expect(onProduction.some((r) => r.tool === "copy_alt_urls")).toBe(true);
    expect(onStaging.some((r) => r.tool === "copy_alt_urls")).toBe(false);
  });

  it("no password of either system appears in any result, on stderr or in the audit log", async () => {
    // A dry run shows the exact requests (their pass= masked).
    const dry = await tool("set_alt_url", {
      system: "staging",
      campaign_id: "2001",
      statuses: ["PROMO"],
      url: `${HOOK}&v=2`,
      dry_run: true,
    });
    expect(JSON.stringify(dry.structured.requests)).toContain("pass=***");
    await tool("check_connection", {});
    await tool("list_systems", {});
    const everything = [...seen, server.stderr(), readFileSync(audit, "utf8")].join("\n");
    for (const secret of [STAGING_PASS, PROD_PASS]) expect(everything).not.toContain(secret);
  });
});
