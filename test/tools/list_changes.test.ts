/** list_changes: the audit log read back, newest first, filtered, streamed from a large file. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

interface View {
  change_id: string;
  time: string;
  tool: string;
  campaign_id: string;
  entry_type: string;
  alt_url_id: number | null;
  action: string;
  outcome: string;
  before: unknown;
  after: unknown;
}

describe("list_changes", () => {
  let h: InProcess;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "list-changes-"));
    file = path.join(dir, "audit.jsonl");
    h = await inProcess({ env: { VICIDIAL_AUDIT_LOG: file } });
    await h.client.listTools();
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const list = async (args: Record<string, unknown> = {}) => {
    const out = await call(h.client, "list_changes", args);
    expect(out.isError, out.text).toBe(false);
    return out;
  };

  it("lists every write newest first, with the row before and after, filtered by entry, id, tool and since", async () => {
    expect((await list()).structured.changes).toEqual([]); // no log yet
    const start = new Date().toISOString();
    const made = await call(h.client, "set_alt_url", { campaign_id: "3001", statuses: ["NI"], url: "https://crm.example.com/ni" });
    const id = (made.structured.alt_url as { id: number }).id;
    await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    await call(h.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      id: 101,
      statuses: ["SALE", "PSALE"],
      url: "https://crm.example.com/in",
      description: "Inbound",
    });

    const all = (await list()).structured.changes as View[];
    expect(all.map((c) => [c.tool, c.campaign_id, c.action])).toEqual([
      ["set_alt_url", "SALESLINE", "updated"],
      ["disable_alt_url", "2001", "updated"],
      ["set_alt_url", "3001", "created"],
    ]);
    expect(all[2]).toMatchObject({
      change_id: made.structured.change_id,
      alt_url_id: id,
      before: null,
      after: { id, url: "https://crm.example.com/ni" },
      outcome: "ok",
    });
    expect(all[1]).toMatchObject({ before: { active: true }, after: { active: false } });

    const only = async (args: Record<string, unknown>) => ((await list(args)).structured.changes as View[]).map((c) => c.campaign_id);
    expect(await only({ campaign_id: "2001" })).toEqual(["2001"]);
    expect(await only({ campaign_id: "salesline", entry_type: "ingroup" })).toEqual(["SALESLINE"]);
    expect(await only({ campaign_id: "SALESLINE" })).toEqual([]); // entry_type defaults to campaign
    expect(await only({ id })).toEqual(["3001"]);
    expect(await only({ tool: "disable_alt_url" })).toEqual(["2001"]);
    expect(await only({ since: start })).toHaveLength(3);
    expect(await only({ since: "2999-01-01" })).toEqual([]);
    const limited = await list({ limit: 2 });
    expect([(limited.structured.changes as View[]).length, limited.structured.truncated]).toEqual([2, true]);
    expect(limited.text).toContain("| time | change_id | tool |");
  });

  it("streams a large log, keeping only the newest, and passes over lines that are not records", async () => {
    const big = path.join(dir, "big.jsonl");
    const lines: string[] = [];
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 40_000; i++) {
      const rec = {
        change_id: `c-${i}`,
        tool: "set_alt_url",
        actor: "stdio",
        system: "default",
        campaign_id: i % 2 ? "2001" : "3001",
        entry_type: "campaign",
        url_type: "dispo",
        alt_url_id: i,
        action: "updated",
        before: null,
        sandbox: true,
      };
      const time = new Date(t0 + i * 1000).toISOString();
      lines.push(JSON.stringify({ ...rec, time, result: "PENDING" }), JSON.stringify({ ...rec, time, after: null, result: "OK" }));
    }
    lines.push("not json", '{"half": ');
    writeFileSync(big, `${lines.join("\n")}\n`);
    const other = await inProcess({ env: { VICIDIAL_AUDIT_LOG: big } });
    try {
      const out = await call(other.client, "list_changes", { campaign_id: "2001", limit: 3 });
      expect((out.structured.changes as View[]).map((c) => c.change_id)).toEqual(["c-39999", "c-39997", "c-39995"]);
      expect(out.structured.truncated).toBe(true);
      expect((out.structured.warnings as string[]).join()).toContain("2 line(s)");
    } finally {
      await other.close();
    }
  });

  it("shows a write whose outcome line is missing as unknown", async () => {
    appendFileSync(
      file,
      `${JSON.stringify({ time: new Date().toISOString(), change_id: "pending-1", tool: "delete_alt_url", actor: "token", system: "default", campaign_id: "3001", entry_type: "campaign", url_type: "dispo", alt_url_id: 5, action: "deleted", before: { id: 5 }, after: null, result: "PENDING", sandbox: true })}\n`,
    );
    const [first] = (await list({ limit: 1 })).structured.changes as (View & { result: string; message: string })[];
    expect(first).toMatchObject({ change_id: "pending-1", outcome: "unknown", result: "PENDING", after: null });
    expect(first!.message).toContain("list_alt_urls");
  });

  it("refuses a since that is no date and an entry_type without campaign_id", async () => {
    expect((await call(h.client, "list_changes", { since: "last week" })).structured.error).toMatchObject({
      code: "INVALID_INPUT",
      field: "since",
    });
    expect((await call(h.client, "list_changes", { entry_type: "ingroup" })).structured.error).toMatchObject({
      code: "INVALID_INPUT",
      field: "entry_type",
    });
  });
});
