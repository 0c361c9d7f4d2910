/** undo_change: dry runs, confirmation before deleting, what cannot be undone, undoing an apply's delete. */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { ROW_3 } from "../helpers/history.js";

describe("undo_change", () => {
  let h: InProcess;
  let dir: string;
  let file: string;
  let answer: "accept" | "decline";
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "undo-"));
    file = path.join(dir, "audit.jsonl");
    answer = "accept";
    h = await inProcess({
      env: { VICIDIAL_AUDIT_LOG: file },
      elicit: () => (answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" }),
    });
    await h.client.listTools();
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rows = async (id: string) =>
    (await call(h.client, "list_alt_urls", { campaign_id: id })).structured.alt_urls as { id: number; statuses: string[]; url: string }[];
  const record = (r: Record<string, unknown>) =>
    appendFileSync(
      file,
      `${JSON.stringify({ time: new Date().toISOString(), actor: "stdio", system: "default", entry_type: "campaign", url_type: "dispo", sandbox: true, ...r })}\n`,
    );

  it("dry_run shows the requests and sends nothing; undoing a create asks first, and a decline keeps the row", async () => {
    const made = await call(h.client, "set_alt_url", { campaign_id: "3001", statuses: ["NI"], url: "https://crm.example.com/ni" });
    const id = (made.structured.alt_url as { id: number }).id;
    h.sandbox.resetStats();
    const dry = await call(h.client, "undo_change", { change_id: made.structured.change_id, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.structured).toMatchObject({ action: "deleted", dry_run: true, change_id: null });
    expect((dry.structured.requests as unknown[]).length).toBeGreaterThan(0);
    expect(h.sandbox.stats().log.filter(isWriteRequest)).toEqual([]);

    answer = "decline";
    const declined = await call(h.client, "undo_change", { change_id: made.structured.change_id });
    expect(declined.structured.error).toMatchObject({ code: "DECLINED" });
    expect((await rows("3001")).map((r) => r.id)).toContain(id);

    answer = "accept";
    const done = await call(h.client, "undo_change", { change_id: made.structured.change_id });
    expect(done.structured.action).toBe("deleted");
    const again = await call(h.client, "undo_change", { change_id: made.structured.change_id });
    expect(again.structured.error).toMatchObject({ code: "CONFLICT" });
    expect(again.structured.error!.message).toContain("already been undone");
    expect(again.structured.current).toBeNull();
  });

  it("re-creates a row an apply deleted, from the change_id in the apply's result", async () => {
    const document = ["version: 1", "entries:", "  - {campaign_id: '3001', prune: true, alt_urls: []}"].join("\n");
    const applied = await call(h.client, "apply_alt_urls", { document });
    const row = (applied.structured.results as { rows: { action: string; change_id: string }[] }[])[0]!.rows[0]!;
    expect(row.action).toBe("deleted");
    expect(await rows("3001")).toEqual([]);
    const undo = await call(h.client, "undo_change", { change_id: row.change_id });
    expect(undo.isError, undo.text).toBe(false);
    expect((await rows("3001")).map((r) => r.statuses)).toEqual([["SALE", "RETAIN"]]);
  });

  it("refuses what it cannot undo: an unknown id, a failed write, a campaign's switch to ALT; nothing is sent", async () => {
    record({
      change_id: "f0000000-0000-4000-8000-000000000001",
      tool: "set_alt_url",
      campaign_id: "2001",
      alt_url_id: 3,
      action: "updated",
      before: { ...ROW_3, rank: 7 },
      result: "PENDING",
    });
    record({
      change_id: "f0000000-0000-4000-8000-000000000001",
      tool: "set_alt_url",
      campaign_id: "2001",
      alt_url_id: 3,
      action: "updated",
      before: { ...ROW_3, rank: 7 },
      result: "VERIFY_FAILED",
      message: "stored differently",
    });
    record({
      change_id: "a1000000-0000-4000-8000-000000000002",
      tool: "enable_alt_url_mode",
      campaign_id: "2002",
      alt_url_id: null,
      action: "updated",
      before: { dispo_call_url: "x" },
      after: { dispo_call_url: "ALT" },
      result: "OK",
    });
    h.sandbox.resetStats();
    const cases: [string, RegExp][] = [
      ["00000000-0000-4000-8000-00000000beef", /no change .* is in the audit log/],
      ["f0000000-0000-4000-8000-000000000001", /failed \(VERIFY_FAILED\)/],
      ["a1000000-0000-4000-8000-000000000002", /not a change of one Alt URL row/],
    ];
    for (const [change_id, why] of cases) {
      const out = await call(h.client, "undo_change", { change_id });
      expect(out.structured.error, change_id).toMatchObject({ code: "INVALID_INPUT", field: "change_id" });
      expect(out.structured.error!.message).toMatch(why);
    }
    expect(h.sandbox.stats().log).toEqual([]);
  });

  it("reverts an update of the seeded row recorded by an earlier run, and audits the undo with undoes", async () => {
    record({
      change_id: "5eed0000-0000-4000-8000-000000000003",
      tool: "set_alt_url",
      campaign_id: "2001",
      alt_url_id: 3,
      action: "updated",
      before: { ...ROW_3, rank: 7 },
      after: ROW_3,
      result: "OK",
    });
    const out = await call(h.client, "undo_change", { change_id: "5EED0000-0000-4000-8000-000000000003" });
    expect(out.isError, out.text).toBe(false);
    expect(out.structured.changes).toEqual({ rank: { before: 3, after: 7 } });
    const [latest] = (await call(h.client, "list_changes", { limit: 1 })).structured.changes as { undoes: string; tool: string }[];
    expect(latest).toMatchObject({ tool: "undo_change", undoes: "5eed0000-0000-4000-8000-000000000003" });
  });
});
