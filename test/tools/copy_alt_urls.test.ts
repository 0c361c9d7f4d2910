import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxCampaign, SandboxSeed } from "../../src/sandbox/index.js";
import { defaultSeed } from "../../src/sandbox/index.js";
import { call, type InProcess, type InProcessOptions, inProcess } from "../helpers/harness.js";

/**
 * The default call centre plus ALT campaigns 4001-4003 (empty), 4004 (two
 * SALE rows: ambiguous) and 5001 (a row putting the agent's password in its URL).
 */
function seed(): SandboxSeed {
  const s = defaultSeed();
  const base = s.campaigns[0]!;
  const alt = (id: string, name: string): SandboxCampaign => ({ ...base, campaign_id: id, campaign_name: name, dispo_call_url: "ALT" });
  s.campaigns.push(alt("4001", "East 1"), alt("4002", "East 2"), alt("4003", "East 3"), alt("4004", "Doubled"), alt("5001", "Legacy"));
  const row = (url_id: number, campaign_id: string, url_statuses: string, url_address: string) => ({
    url_id,
    campaign_id,
    entry_type: "campaign" as const,
    url_type: "dispo",
    active: "Y" as const,
    url_rank: 1,
    url_statuses,
    url_description: "seeded",
    url_lists: "",
    url_call_length: 0,
    url_address,
  });
  s.vicidial_url_multi.push(
    row(20, "4004", "SALE", "https://a.example.com/one"),
    row(21, "4004", "SALE", "https://a.example.com/two"),
    row(30, "5001", "SALE", "https://legacy.example.com/sale?agent=--A--user--B--&pw=--A--pass--B--"),
  );
  s.next_url_id = 40;
  return s;
}

interface Row {
  id: number;
  active: boolean;
  rank: number;
  statuses: string[];
  description: string;
  lists: string[];
  min_call_length: number;
  url: string;
}
interface TargetResult {
  campaign_id: string;
  ok: boolean;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rows: { action: string; id: number | null; source_id: number | null }[];
  error: { code: string; fix: string } | null;
}

const comparable = (r: Row) => ({
  active: r.active,
  rank: r.rank,
  statuses: r.statuses,
  description: r.description,
  lists: r.lists,
  min_call_length: r.min_call_length,
  url: r.url,
});

describe("copy_alt_urls", () => {
  let h: InProcess;
  async function start(opts: InProcessOptions = {}): Promise<InProcess> {
    h = await inProcess({ sandbox: { seed: seed() }, ...opts });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
    return h;
  }
  afterEach(() => h?.close());

  async function rows(campaign: string): Promise<Row[]> {
    const r = await call(h.client, "list_alt_urls", { campaign_id: campaign });
    return r.structured.alt_urls as Row[];
  }
  const byTarget = (r: { structured: Record<string, unknown> }) =>
    Object.fromEntries((r.structured.results as TargetResult[]).map((t) => [t.campaign_id, t]));

  it("declares itself a destructive, idempotent, closed-world write", async () => {
    await start();
    const tool = (await h.client.listTools()).tools.find((t) => t.name === "copy_alt_urls")!;
    expect(tool.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
  });

  it("creates the source's rows on each target, changes nothing on a second run, and updates only what changed", async () => {
    await start();
    const source = await rows("2001");
    const first = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["4001", "3001"] });
    expect(first.isError).toBe(false);
    const t1 = byTarget(first);
    expect(t1["4001"]).toMatchObject({ ok: true, created: 4, updated: 0, unchanged: 0, deleted: 0, error: null });
    expect(t1["3001"]).toMatchObject({ ok: true, created: 4 });
    for (const c of ["4001", "3001"]) {
      const copied = (await rows(c)).filter((r) => r.description !== "Retention desk");
      expect(copied.map(comparable)).toEqual(source.map(comparable));
    }
    // 3001's own row (SALE RETAIN) has no match in 2001 and stays without replace.
    expect((await rows("3001")).some((r) => r.id === 5)).toBe(true);
    expect(first.text).toContain("4001: ok (4 created");

    const before = h.sandbox.dump();
    const second = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["4001", "3001"] });
    expect(byTarget(second)["4001"]).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 4 });
    expect(byTarget(second)["3001"]).toMatchObject({ ok: true, unchanged: 4 });
    expect(h.sandbox.dump()).toBe(before);

    const edit = await call(h.client, "set_alt_url", {
      campaign_id: "2001",
      id: 1,
      url: "https://crm.example.com/v2/sale?lead_id=--A--lead_id--B--",
      statuses: ["SALE"],
    });
    expect(edit.isError).toBe(false);
    const third = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["4001"] });
    expect(byTarget(third)["4001"]).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: 3 });
    expect((await rows("4001")).find((r) => r.statuses.join() === "SALE")!.url).toBe(
      "https://crm.example.com/v2/sale?lead_id=--A--lead_id--B--",
    );
  });

  it("with replace, deletes unmatched target rows after the person accepts, and records each write in the audit log", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "copy-audit-"));
    const audit = path.join(dir, "audit.jsonl");
    const asked: string[] = [];
    await start({ env: { VICIDIAL_AUDIT_LOG: audit }, elicit: (m) => (asked.push(m), { action: "accept", content: { confirm: true } }) });
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001", "4001"], replace: true });
    expect(r.isError).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("Campaign 3001");
    expect(asked[0]).toContain("Alt URL 5");
    const t = byTarget(r);
    expect(t["3001"]).toMatchObject({ ok: true, created: 4, deleted: 1 });
    expect(t["3001"]!.rows).toContainEqual(expect.objectContaining({ action: "deleted", id: 5 }));
    expect(t["4001"]).toMatchObject({ ok: true, created: 4, deleted: 0 });
    const left = await rows("3001");
    expect(left.some((x) => x.id === 5)).toBe(false);
    expect(left).toHaveLength(4);

    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tool: string; action: string; alt_url_id: number | null; result: string })
      .filter((l) => l.result !== "PENDING");
    expect(lines.filter((l) => l.tool === "copy_alt_urls" && l.action === "created")).toHaveLength(8);
    expect(lines).toContainEqual(expect.objectContaining({ tool: "copy_alt_urls", action: "deleted", alt_url_id: 5, result: "OK" }));
    expect(readFileSync(audit, "utf8")).not.toContain("sandbox1234");
  });

  it("with replace, changes nothing at all when the person declines", async () => {
    await start({ elicit: () => ({ action: "decline" }) });
    const before = h.sandbox.dump();
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001", "4001"], replace: true });
    expect(r.isError).toBe(true);
    expect(r.structured.error?.code).toBe("DECLINED");
    expect(h.sandbox.dump()).toBe(before);
  });

  it("keeps going when one target fails: a campaign not in ALT mode and one outside VICIDIAL_ALLOWED_CAMPAIGNS", async () => {
    await start({ env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,2002,3001,4001" } });
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["2002", "4002", "4001"] });
    expect(r.isError).toBe(false);
    const t = byTarget(r);
    expect(t["2002"]).toMatchObject({ ok: false, created: 0, error: expect.objectContaining({ code: "ALT_MODE_OFF" }) });
    expect(t["2002"]!.error!.fix).toContain("enable_alt_url_mode");
    expect(t["4002"]).toMatchObject({ ok: false, error: expect.objectContaining({ code: "CAMPAIGN_NOT_ALLOWED" }) });
    expect(t["4001"]).toMatchObject({ ok: true, created: 4 });
    expect(r.structured.summary).toContain("1 succeeded, 2 failed");
    expect(r.text).toContain("2002: FAILED ALT_MODE_OFF");
    expect(await rows("4001")).toHaveLength(4);
  });

  it("reports a target with several rows for the same statuses as an error for that row, and copies the rest", async () => {
    await start();
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["4004"] });
    const t = byTarget(r)["4004"]!;
    expect(t.ok).toBe(false);
    expect(t.created).toBe(3);
    expect(t.rows).toContainEqual(expect.objectContaining({ action: "error", source_id: 1 }));
    expect(t.error).toMatchObject({ code: "INVALID_INPUT" });
    expect((await rows("4004")).filter((x) => x.statuses.join() === "SALE").map((x) => x.id)).toEqual([20, 21]);
  });

  it("sends a progress notification per target when the caller asks for progress", async () => {
    await start();
    const seen: Progress[] = [];
    const raw = await h.client.callTool(
      { name: "copy_alt_urls", arguments: { from_campaign_id: "2001", to_campaign_ids: ["4001", "4002", "2002"] } },
      CallToolResultSchema,
      { onprogress: (p) => seen.push(p) },
    );
    expect(raw.isError).toBeFalsy();
    expect(seen).toHaveLength(3);
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(seen.every((p) => p.total === 3)).toBe(true);
    expect(seen.some((p) => (p.message ?? "").includes("2002: failed (ALT_MODE_OFF)"))).toBe(true);
  });

  it("dry run sends no write, asks nobody, and shows every request including the deletes", async () => {
    let asked = 0;
    await start({ elicit: () => (asked++, { action: "accept", content: { confirm: true } }) });
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const r = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "2001",
      to_campaign_ids: ["3001", "4001"],
      replace: true,
      dry_run: true,
    });
    expect(r.isError).toBe(false);
    expect(h.sandbox.dump()).toBe(before);
    expect(asked).toBe(0);
    expect(r.structured.dry_run).toBe(true);
    expect(byTarget(r)["3001"]).toMatchObject({ created: 4, deleted: 1 });
    const requests = r.structured.requests as { endpoint: string; params: Record<string, string> }[];
    expect(requests.filter((q) => q.params.alt_url_id === "NEW")).toHaveLength(8);
    expect(requests).toContainEqual(
      expect.objectContaining({ endpoint: "/vicidial/admin_url_multi.php", params: expect.objectContaining({ url_id: "5" }) }),
    );
    expect(requests.every((q) => q.params.pass === undefined || q.params.pass === "***")).toBe(true);
    const writes = h.sandbox
      .stats()
      .log.filter(
        (l) => l.path.endsWith("admin_url_multi.php") || l.params.some(([k, v]) => k === "alt_url_id" && v !== "LIST" && v !== "0"),
      );
    expect(writes).toEqual([]);
    expect(r.text).toContain("Dry run: nothing was sent.");
  });

  it("never has more requests in flight at VICIdial than VICIDIAL_MAX_CONCURRENCY", async () => {
    await start({ env: { VICIDIAL_MAX_CONCURRENCY: "2" } });
    await call(h.client, "list_campaigns"); // a first good login opens the gate past one request at a time
    h.sandbox.resetStats();
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 40 }]);
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["4001", "4002", "4003", "3001"] });
    h.sandbox.setFaults([]);
    expect((r.structured.results as TargetResult[]).every((t) => t.ok)).toBe(true);
    const stats = h.sandbox.stats();
    expect(stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(stats.maxInFlight).toBe(2); // targets did run side by side
  });

  it("refuses a source URL with a password variable unless allowed, before writing anything", async () => {
    await start();
    const before = h.sandbox.dump();
    const refused = await call(h.client, "copy_alt_urls", { from_campaign_id: "5001", to_campaign_ids: ["4001"] });
    expect(refused.isError).toBe(true);
    expect(refused.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "allow_credential_variables" });
    expect(h.sandbox.dump()).toBe(before);

    const allowed = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "5001",
      to_campaign_ids: ["4001"],
      allow_credential_variables: true,
    });
    expect(byTarget(allowed)["4001"]).toMatchObject({ ok: true, created: 1 });
    expect((allowed.structured.warnings as string[]).some((w) => w.includes("password"))).toBe(true);
  });

  it("fails as a whole when the source cannot be read, and ignores duplicates and the source among the targets", async () => {
    await start();
    const missing = await call(h.client, "copy_alt_urls", { from_campaign_id: "9999", to_campaign_ids: ["4001"] });
    expect(missing.isError).toBe(true);
    expect(missing.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_FOUND", field: "from_campaign_id" });

    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["2001", "4001", "4001"], dry_run: true });
    expect((r.structured.results as TargetResult[]).map((t) => t.campaign_id)).toEqual(["4001"]);

    const only = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["2001"] });
    expect(only.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "to_campaign_ids" });
  });

  it("is not registered in read-only mode", async () => {
    await start({ env: { VICIDIAL_READ_ONLY: "true" } });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("copy_alt_urls");
    expect(names).toContain("preview_dispo_urls");
  });

  it("copies a campaign's rows to an in-group through the admin page (lists and minimum length included), then back to a campaign", async () => {
    await start();
    const source = await rows("2001");
    const toGroup = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "2001",
      to_campaign_ids: ["SALESLINE"],
      to_entry_type: "ingroup",
    });
    expect(toGroup.isError).toBe(false);
    // SALESLINE already has SALE PSALE (101) and ---ALL--- (102): those are updated to match, SALE and CALLBK created.
    expect(byTarget(toGroup).SALESLINE).toMatchObject({ entry_type: "ingroup", ok: true, created: 2, updated: 2, unchanged: 0 });
    const group = (await call(h.client, "list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" })).structured.alt_urls as Row[];
    const key = (r: Row) => r.statuses.join(" ");
    expect(group.map(comparable).sort((a, b) => key(a as Row).localeCompare(key(b as Row)))).toEqual(
      source.map(comparable).sort((a, b) => key(a as Row).localeCompare(key(b as Row))),
    );
    const again = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "SALESLINE",
      from_entry_type: "ingroup",
      to_campaign_ids: ["4002"],
    });
    expect(byTarget(again)["4002"]).toMatchObject({ entry_type: "campaign", ok: true, created: 4 });
    expect((await rows("4002")).map(comparable).sort((a, b) => key(a as Row).localeCompare(key(b as Row)))).toEqual(
      source.map(comparable).sort((a, b) => key(a as Row).localeCompare(key(b as Row))),
    );
  });

  it("a list target not in ALT mode fails on its own; a URL type the target entry type lacks is refused before anything is sent", async () => {
    await start();
    const lists = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "101",
      from_entry_type: "list",
      url_type: "noagent",
      to_campaign_ids: ["102"],
      to_entry_type: "list",
    });
    expect(byTarget(lists)["102"]).toMatchObject({ ok: false, error: { code: "ALT_MODE_OFF" } });
    const before = h.sandbox.stats().requests;
    const dispoToList = await call(h.client, "copy_alt_urls", {
      from_campaign_id: "2001",
      to_campaign_ids: ["101"],
      to_entry_type: "list",
    });
    expect(dispoToList.isError).toBe(true);
    expect(dispoToList.structured.error).toMatchObject({ code: "INVALID_INPUT" });
    expect(dispoToList.structured.error!.fix).toMatch(/noagent/);
    expect(h.sandbox.stats().requests).toBe(before);
  });
});
