/** apply_alt_urls: confirmation before deleting, dry runs, progress, per-entry results, audit. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, type InProcessOptions, inProcess } from "../helpers/harness.js";

const doc = (...lines: string[]) => ["version: 1", "entries:", ...lines].join("\n");
/** Campaign 2001 keeping only its SALE row (prune), and a new row on 3001. */
const PRUNING = doc(
  "  - campaign_id: '2001'",
  "    prune: true",
  "    alt_urls:",
  "      - statuses: [SALE]",
  "        url: https://crm.example.com/vicidial/sale?lead_id=--A--lead_id--B--&phone=--A--phone_number--B--&agent=--A--user--B--",
  "        description: CRM - record the sale",
  "  - {campaign_id: '3001', alt_urls: [{statuses: [NI], url: 'https://crm.example.com/ni', rank: 2}]}",
);

describe("apply_alt_urls", () => {
  let h: InProcess;
  let dir: string;
  let asked: string[];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "apply-"));
    asked = [];
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  async function start(answer: "accept" | "decline" | null, opts: InProcessOptions = {}) {
    h = await inProcess({
      env: { VICIDIAL_AUDIT_LOG: path.join(dir, "audit.jsonl") },
      ...(answer
        ? {
            elicit: (m: string) => {
              asked.push(m);
              return answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" };
            },
          }
        : {}),
      ...opts,
    });
    await h.client.listTools();
  }
  const rows = async (id: string) => (await call(h.client, "list_alt_urls", { campaign_id: id })).structured.alt_urls as { id: number }[];

  it("asks once before deleting, naming each row, then deletes only those; records each write", async () => {
    await start("accept");
    const out = await call(h.client, "apply_alt_urls", { document: PRUNING });
    expect(out.isError, out.text).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/Alt URL 2 .*\n.*Alt URL 3 .*\n.*Alt URL 4 /);
    expect(out.structured.applied).toEqual({ created: 1, updated: 0, unchanged: 1, deleted: 3, failed_entries: 0 });
    expect((await rows("2001")).map((r) => r.id)).toEqual([1]);
    const results = out.structured.results as { rows: { action: string; change_id: string | null }[] }[];
    const ids = results.flatMap((r) => r.rows.filter((x) => x.action !== "unchanged").map((x) => x.change_id));
    expect(ids).toHaveLength(4);
    const audit = readFileSync(path.join(dir, "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tool: string; change_id: string; result: string });
    expect(new Set(audit.filter((l) => l.result === "OK").map((l) => l.change_id))).toEqual(new Set(ids));
    expect(audit.every((l) => l.tool === "apply_alt_urls")).toBe(true);
  });

  it("a declined confirmation is DECLINED and sends nothing; a plan without deletes asks nothing", async () => {
    await start("decline");
    h.sandbox.resetStats();
    const out = await call(h.client, "apply_alt_urls", { document: PRUNING });
    expect(out.structured.error).toMatchObject({ code: "DECLINED" });
    expect(h.sandbox.stats().log.filter(isWriteRequest)).toEqual([]);
    const add = await call(h.client, "apply_alt_urls", {
      document: doc("  - {campaign_id: '3001', alt_urls: [{statuses: [NI], url: 'https://crm.example.com/ni'}]}"),
    });
    expect(add.structured.applied).toMatchObject({ created: 1 });
    expect(asked).toHaveLength(1);
  });

  it("dry_run returns the exact requests and sends no write", async () => {
    await start(null);
    h.sandbox.resetStats();
    const out = await call(h.client, "apply_alt_urls", { document: PRUNING, dry_run: true });
    expect(out.isError, out.text).toBe(false);
    expect(out.structured.dry_run).toBe(true);
    expect(out.structured.applied).toMatchObject({ created: 1, deleted: 3 });
    const requests = out.structured.requests as { url: string; params: Record<string, string> }[];
    expect(requests.some((r) => r.params.alt_url_id === "NEW")).toBe(true);
    expect(requests.some((r) => r.url.includes("admin_url_multi"))).toBe(true);
    expect(JSON.stringify(requests)).not.toContain("sandbox1234");
    expect(h.sandbox.stats().log.filter(isWriteRequest)).toEqual([]);
    expect(out.text).toContain("Dry run: nothing was sent.");
  });

  it("one failing entry does not stop the others, and progress is reported per entry", async () => {
    await start(null);
    const progress: Progress[] = [];
    const raw = await h.client.request(
      {
        method: "tools/call",
        params: {
          name: "apply_alt_urls",
          arguments: {
            document: doc(
              "  - {campaign_id: '2002', alt_urls: [{statuses: [NI], url: 'https://crm.example.com/ni'}]}",
              "  - {campaign_id: '3001', alt_urls: [{statuses: [NI], url: 'https://crm.example.com/ni'}]}",
            ),
          },
        },
      },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p) },
    );
    const s = raw.structuredContent as { ok: boolean; results: { campaign_id: string; ok: boolean; error: { code: string } | null }[] };
    expect(s.ok).toBe(false);
    expect(s.results.map((r) => [r.campaign_id, r.ok, r.error?.code ?? null])).toEqual([
      ["2002", false, "ALT_MODE_OFF"],
      ["3001", true, null],
    ]);
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(progress.map((p) => p.message).join()).toMatch(/ALT_MODE_OFF/);
  });
});
