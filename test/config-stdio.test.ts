/**
 * Configuration as code over stdio: the built server, driven by the SDK's
 * client, against a sandbox this test starts and inspects. Export, plan and
 * apply round trips, drift made behind the server's back, a stale plan,
 * prune, an invalid document, in-group and list entries, and the CLI's exit
 * codes for a pipeline.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { call, type InProcess, inProcess, runCli, type Spawned, spawnStdio } from "./helpers/harness.js";

interface Row {
  statuses: string[];
  url: string;
  active: boolean;
  rank: number;
  description: string;
  lists: string[];
  min_call_length: number;
}
interface Entry {
  campaign_id: string;
  entry_type: string;
  url_type: string;
  prune: boolean;
  alt_urls: Row[];
}
interface Change {
  campaign_id: string;
  entry_type: string;
  statuses: string[];
  action: string;
  alt_url_id: number | null;
  fields: Record<string, { before: unknown; after: unknown }>;
}

const ENTRIES = [
  { campaign_id: "2001" },
  { campaign_id: "SALESLINE", entry_type: "ingroup" },
  { campaign_id: "101", entry_type: "list", url_type: "noagent" },
];

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), "config-stdio-"));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234" });
const writes = () => sandbox.stats().log.filter(isWriteRequest);
const moving = (changes: Change[]) => changes.filter((c) => c.action !== "unchanged");

describe("export, plan and apply over stdio", () => {
  let srv: Spawned;
  /** Another server on the same sandbox: changes made behind the stdio server's back. */
  let other: InProcess;
  beforeAll(async () => {
    srv = await spawnStdio(env());
    await srv.client.listTools(); // results are then checked against each tool's output schema
    other = await inProcess({ useSandbox: sandbox });
  });
  afterAll(async () => {
    await srv.close();
    await other.close();
  });

  async function exported(): Promise<{ document: string; entries: Entry[] }> {
    const ex = await call(srv.client, "export_alt_urls", { entries: ENTRIES });
    expect(ex.isError, ex.text).toBe(false);
    return ex.structured as unknown as { document: string; entries: Entry[] };
  }

  it("applying an export changes nothing and sends no write", async () => {
    const { document, entries } = await exported();
    expect(entries.map((e) => [e.campaign_id, e.entry_type, e.url_type, e.alt_urls.length])).toEqual([
      ["2001", "campaign", "dispo", 4],
      ["SALESLINE", "ingroup", "dispo", 2],
      ["101", "list", "noagent", 1],
    ]);
    expect(document).toMatch(/^version: 1$/m);
    sandbox.resetStats();
    const applied = await call(srv.client, "apply_alt_urls", { document });
    expect(applied.isError, applied.text).toBe(false);
    expect(applied.structured).toMatchObject({ ok: true, in_sync: true, applied: { created: 0, updated: 0, deleted: 0, unchanged: 7 } });
    expect(writes()).toEqual([]);
  });

  it("plans exactly the edits, applies them, and then plans nothing (a JSON document)", async () => {
    const { entries } = await exported();
    const campaign = entries[0]!;
    campaign.alt_urls.find((r) => r.statuses.includes("CALLBK"))!.rank = 7;
    campaign.alt_urls.push({
      statuses: ["NI", "DNC"],
      url: "https://crm.example.com/ni?lead=--A--lead_id--B--",
      active: true,
      rank: 9,
      description: "Not interested",
      lists: [],
      min_call_length: 0,
    });
    entries[1]!.alt_urls[0]!.description = "CRM - inbound sale v2";
    const document = JSON.stringify({ version: 1, entries });

    const plan = await call(srv.client, "plan_alt_urls", { document });
    expect(plan.isError, plan.text).toBe(false);
    const changes = moving(plan.structured.changes as Change[]);
    expect(changes.map((c) => [c.campaign_id, c.action, c.statuses, c.alt_url_id])).toEqual([
      ["2001", "update", ["CALLBK"], 3],
      ["2001", "create", ["NI", "DNC"], null],
      ["SALESLINE", "update", ["SALE", "PSALE"], 101],
    ]);
    expect(changes[0]!.fields).toEqual({ rank: { before: 3, after: 7 } });
    expect(changes[2]!.fields).toEqual({ description: { before: "CRM - inbound sale", after: "CRM - inbound sale v2" } });
    expect(plan.structured.summary).toEqual({ create: 1, update: 2, delete: 0, unchanged: 5 });
    expect(plan.text).toContain("rank: 3 -> 7");

    const applied = await call(srv.client, "apply_alt_urls", { document, plan_id: plan.structured.plan_id });
    expect(applied.isError, applied.text).toBe(false);
    expect(applied.structured).toMatchObject({ ok: true, applied: { created: 1, updated: 2, deleted: 0 } });

    const again = await call(srv.client, "plan_alt_urls", { document });
    expect(again.structured.in_sync).toBe(true);
    expect(moving(again.structured.changes as Change[])).toEqual([]);
    sandbox.resetStats();
    const second = await call(srv.client, "apply_alt_urls", { document });
    expect(second.structured).toMatchObject({ ok: true, applied: { created: 0, updated: 0, deleted: 0 } });
    expect(writes()).toEqual([]);
  });

  it("shows a change made behind its back as drift, and refuses the stale plan sending nothing", async () => {
    const { document } = await exported();
    const reviewed = await call(srv.client, "plan_alt_urls", { document });
    expect(reviewed.structured.in_sync).toBe(true);

    const behind = await call(other.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["SALE"],
      url: "https://elsewhere.example.com/sale",
    });
    expect(behind.structured.action).toBe("updated");

    const drift = await call(srv.client, "plan_alt_urls", { document });
    expect(drift.structured.in_sync).toBe(false);
    expect(moving(drift.structured.changes as Change[])).toMatchObject([
      { campaign_id: "2001", action: "update", alt_url_id: 1, fields: { url: { before: "https://elsewhere.example.com/sale" } } },
    ]);
    expect(drift.structured.plan_id).not.toBe(reviewed.structured.plan_id);

    sandbox.resetStats();
    const stale = await call(srv.client, "apply_alt_urls", { document, plan_id: reviewed.structured.plan_id });
    expect(stale.isError).toBe(true);
    expect(stale.structured.error).toMatchObject({ code: "PLAN_STALE" });
    expect(stale.structured.error!.fix).toContain(String(drift.structured.plan_id));
    expect(stale.structured.plan_id).toBe(drift.structured.plan_id);
    expect(moving(stale.structured.changes as Change[])).toHaveLength(1);
    expect(writes()).toEqual([]);
    const row = (await call(srv.client, "list_alt_urls", { campaign_id: "2001" })).structured.alt_urls as { id: number; url: string }[];
    expect(row.find((r) => r.id === 1)!.url).toBe("https://elsewhere.example.com/sale");

    // With the new plan's id it goes through.
    const fixed = await call(srv.client, "apply_alt_urls", { document, plan_id: drift.structured.plan_id });
    expect(fixed.structured).toMatchObject({ ok: true, applied: { updated: 1 } });
  });

  it("prune deletes only the unlisted rows of its own entry and type", async () => {
    const before3001 = (await call(srv.client, "list_alt_urls", { campaign_id: "3001" })).structured.alt_urls;
    const { entries } = await exported();
    const campaign = entries[0]!;
    const dropped = campaign.alt_urls.filter((r) => r.statuses.includes("---ALL---"));
    campaign.alt_urls = campaign.alt_urls.filter((r) => !r.statuses.includes("---ALL---"));
    campaign.prune = true;
    entries[1]!.alt_urls = entries[1]!.alt_urls.slice(0, 1); // not pruned: its other row stays
    const document = JSON.stringify({ version: 1, entries: [campaign, entries[1]] });

    const plan = await call(srv.client, "plan_alt_urls", { document });
    const changes = moving(plan.structured.changes as Change[]);
    expect(changes.map((c) => [c.campaign_id, c.action, c.alt_url_id])).toEqual([["2001", "delete", 4]]);
    expect(plan.structured.entries).toMatchObject([
      { campaign_id: "2001", unlisted: 0 },
      { campaign_id: "SALESLINE", unlisted: 1 },
    ]);

    const applied = await call(srv.client, "apply_alt_urls", { document, plan_id: plan.structured.plan_id });
    expect(applied.structured).toMatchObject({ ok: true, applied: { deleted: 1, created: 0, updated: 0 } });
    const now2001 = (await call(srv.client, "list_alt_urls", { campaign_id: "2001" })).structured.alt_urls as Row[];
    expect(now2001.some((r) => r.url === dropped[0]!.url)).toBe(false);
    expect(now2001).toHaveLength(campaign.alt_urls.length);
    expect((await call(srv.client, "list_alt_urls", { campaign_id: "3001" })).structured.alt_urls).toEqual(before3001);
    expect((await call(srv.client, "list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" })).structured.alt_urls).toHaveLength(
      2,
    );
  });

  it("refuses an invalid document before sending anything, naming the path", async () => {
    const document = [
      "version: 1",
      "entries:",
      '  - campaign_id: "2001"',
      "    alt_urls:",
      "      - statuses: [SALE]",
      "        url: https://crm.example.com/sale",
      "  - campaign_id: SALESLINE",
      "    entry_type: ingroup",
      "    prune: true",
      "    alt_urls:",
      "      - statuses: [SALE]",
      "        url: https://crm.example.com/a",
      "      - statuses: [PSALE]",
      "        url: 'https://crm.example.com/b#frag'",
    ].join("\n");
    sandbox.resetStats();
    for (const tool of ["plan_alt_urls", "apply_alt_urls"]) {
      const out = await call(srv.client, tool, { document });
      expect(out.isError).toBe(true);
      expect(out.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "entries[1].alt_urls[1].url" });
      expect(out.structured.error!.fix).toContain("https://crm.example.com/b");
      expect(out.text).toContain("entries[1].alt_urls[1].url");
    }
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe("the CLI, for a pipeline", () => {
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("exports, then plan exits 0 in sync, 2 on drift, 1 on an error; apply needs --yes without a terminal", async () => {
    const exported = await runCli(["export", "--entry", "campaign:3001", "--entry", "ingroup:SALESLINE"], env());
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^version: 1$/m);
    expect(exported.stdout).toContain("campaign_id: SALESLINE");
    const doc = file("hooks.yaml", exported.stdout);

    const inSync = await runCli(["plan", doc], env());
    expect([inSync.code, inSync.stdout]).toEqual([0, expect.stringContaining("in sync")]);

    const edited = file("edited.yaml", exported.stdout.replace("Retention desk", "Retention desk new"));
    const drift = await runCli(["plan", edited, "--json"], env());
    expect(drift.code).toBe(2);
    const plan = JSON.parse(drift.stdout) as { summary: { update: number }; changes: Change[] };
    expect(plan.summary.update).toBe(1);
    expect(moving(plan.changes)[0]).toMatchObject({ campaign_id: "3001", action: "update", alt_url_id: 5 });

    const broken = await runCli(
      ["plan", file("broken.yaml", "version: 1\nentries:\n  - campaign_id: 3001\n    alt_urls: [{statuses: [SALE]}]\n")],
      env(),
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("entries[0].alt_urls[0].url");

    sandbox.resetStats();
    const refused = await runCli(["apply", edited], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Retention desk new"); // the plan is printed first
    expect(refused.stderr).toContain("--yes");
    expect(writes()).toEqual([]);

    const applied = await runCli(["apply", edited, "--yes"], env());
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/1 updated/);
    expect((await runCli(["plan", edited], env())).code).toBe(0);
  });

  it("answers 1, not the drift status, when it cannot reach VICIdial or is misconfigured", async () => {
    const doc = file("one.yaml", 'version: 1\nentries:\n  - campaign_id: "3001"\n    alt_urls: []\n');
    const unreachable = await runCli(["plan", doc], { ...env(), VICIDIAL_URL: "http://127.0.0.1:9", VICIDIAL_TIMEOUT_MS: "2000" });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Error VICIDIAL_UNREACHABLE/);
    const misconfigured = await runCli(["plan", doc], { ...env(), VICIDIAL_TIMEOUT_MS: "soon" });
    expect(misconfigured.code).toBe(1);
    expect(misconfigured.stderr).toContain("VICIDIAL_TIMEOUT_MS");
  });
});
