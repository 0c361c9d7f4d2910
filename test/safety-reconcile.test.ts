/**
 * Guarantee 5 (issue 3): a write whose answer is lost is never resent. The
 * server lists again, decides from what is there, and says what happened:
 * applied after all (reconciled: true) or not applied (an error that says
 * nothing changed). Driven by the sandbox's connection faults.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultMode } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call, type InProcess } from "./helpers/harness.js";
import { open, storedCampaign, storedRows, writeRequests } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** The sandbox counts the ALT-mode probe (alt_url_id=0) as a write, so switches are matched by function. */
function dropNextWrite(mode: FaultMode, fn?: string) {
  h!.sandbox.setFaults([{ mode, match: fn ? { function: fn } : { write: true }, times: 1 }]);
  h!.sandbox.resetStats();
}

const NEW_ROW = { campaign_id: "2001", statuses: ["LOST"], url: "https://crm.example.com/lost?l=--A--lead_id--B--" };
const lostRows = () => storedRows(h!.sandbox, "2001").filter((r) => r.url_statuses === "LOST");

describe("set_alt_url", () => {
  it("create applied, answer lost: exactly one row, reported as created and reconciled", async () => {
    h = await open();
    dropNextWrite("reset-after-apply");
    const r = await call(h.client, "set_alt_url", NEW_ROW);
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.action).toBe("created");
    expect(r.structured.reconciled).toBe(true);
    expect((r.structured.warnings as string[]).join("\n")).toMatch(
      /answer to the write was lost; listing campaign 2001 again showed it had been applied/,
    );
    expect(lostRows()).toHaveLength(1);
    expect((r.structured.alt_url as { id: number }).id).toBe(lostRows()[0]!.url_id);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("update applied, answer lost: reported as updated and reconciled, the row as meant", async () => {
    h = await open();
    dropNextWrite("reset-after-apply");
    const r = await call(h.client, "set_alt_url", {
      campaign_id: "2001",
      id: 3,
      statuses: ["CALLBK"],
      url: "https://calendar.example.com/v2",
      active: true,
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.action).toBe("updated");
    expect(r.structured.reconciled).toBe(true);
    expect(r.structured.changes).toMatchObject({
      active: { before: false, after: true },
      url: { after: "https://calendar.example.com/v2" },
    });
    expect(storedRows(h.sandbox, "2001").find((x) => x.url_id === 3)).toMatchObject({
      active: "Y",
      url_address: "https://calendar.example.com/v2",
    });
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("create not applied (connection dropped first): an error saying nothing changed, zero rows, not resent", async () => {
    h = await open();
    const before = h.sandbox.dump();
    dropNextWrite("reset-before-response");
    const r = await call(h.client, "set_alt_url", NEW_ROW);
    expect(r.isError).toBe(true);
    expect(r.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
    expect(r.structured.error?.message).toMatch(
      /Listing campaign 2001 again \(at [\d:]+ UTC\) shows the new Alt URL was not applied: nothing changed/,
    );
    expect(r.structured.error?.retryable).toBe(true);
    expect(lostRows()).toHaveLength(0);
    expect(h.sandbox.dump()).toBe(before);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("update not applied: an error saying nothing changed, row as before", async () => {
    h = await open();
    const before = h.sandbox.dump();
    dropNextWrite("reset-before-response");
    const r = await call(h.client, "set_alt_url", { campaign_id: "2001", id: 1, statuses: ["SALE"], url: "https://crm.example.com/v2" });
    expect(r.structured.error?.message).toMatch(/change to Alt URL 1 was not applied: nothing changed/);
    expect(h.sandbox.dump()).toBe(before);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("the call after a lost create finds the row and changes nothing (still one row)", async () => {
    h = await open();
    dropNextWrite("reset-after-apply");
    await call(h.client, "set_alt_url", NEW_ROW);
    const again = await call(h.client, "set_alt_url", NEW_ROW);
    expect(again.structured.action).toBe("unchanged");
    expect(lostRows()).toHaveLength(1);
  });

  it("a timed-out write is an unknown outcome: listed again, never said to have changed nothing, never resent", async () => {
    h = await open({ env: { VICIDIAL_TIMEOUT_MS: "300" } });
    h.sandbox.setFaults([{ mode: "hang", match: { write: true }, times: 1 }]);
    h.sandbox.resetStats();
    const r = await call(h.client, "set_alt_url", NEW_ROW);
    expect(r.structured.error?.code).toBe("TIMEOUT");
    expect(r.structured.error?.message).toMatch(/outcome is unknown/);
    expect(r.structured.error?.message).not.toMatch(/nothing changed/);
    expect(r.structured.error?.retryable).toBe(false);
    expect(r.structured.error?.fix).toMatch(/list_alt_urls/);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("a timed-out create that VICIdial applies late: the model's retry after the fix's listing updates it, one row in the end", async () => {
    h = await open({ env: { VICIDIAL_TIMEOUT_MS: "300" } });
    // VICIdial finishes the write 600 ms after it arrived, long after the client gave up.
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 600, match: { write: true }, times: 1 }]);
    const r = await call(h.client, "set_alt_url", NEW_ROW);
    expect(r.structured.error?.code).toBe("TIMEOUT");
    expect(r.structured.error?.retryable).toBe(false);
    expect(r.structured.error?.message).not.toMatch(/nothing changed/);
    await new Promise((res) => setTimeout(res, 700));
    const listed = await call(h.client, "list_alt_urls", { campaign_id: "2001" });
    expect((listed.structured.alt_urls as { statuses: string[] }[]).filter((x) => x.statuses.join() === "LOST")).toHaveLength(1);
    const again = await call(h.client, "set_alt_url", NEW_ROW);
    expect(again.structured.action).toBe("unchanged");
    expect(lostRows()).toHaveLength(1);
  });

  it("a timed-out create that VICIdial applies late: the audit log says the outcome is unknown, never that it was not applied", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "reconcile-audit-"));
    const file = path.join(dir, "audit.jsonl");
    try {
      h = await open({ env: { VICIDIAL_TIMEOUT_MS: "300", VICIDIAL_AUDIT_LOG: file } });
      h.sandbox.setFaults([{ mode: "latency", latencyMs: 600, match: { write: true }, times: 1 }]);
      const r = await call(h.client, "set_alt_url", NEW_ROW);
      expect(r.structured.error?.code).toBe("TIMEOUT");
      await new Promise((res) => setTimeout(res, 700));
      expect(lostRows()).toHaveLength(1); // it landed
      const lines = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { change_id: string; result: string; message?: string; after?: unknown });
      expect(lines.map((l) => l.result)).toEqual(["PENDING", "UNKNOWN"]);
      expect(lines[1]!.change_id).toBe(lines[0]!.change_id);
      expect(lines[1]!.message).toMatch(/outcome is unknown/);
      expect(lines[1]!.message).not.toMatch(/not applied|nothing changed/);
      // A failed line never claims the meant state.
      expect("after" in lines[1]!).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a timed-out create that lands while the writer looks again is reported created and reconciled", async () => {
    h = await open({ env: { VICIDIAL_TIMEOUT_MS: "300" } });
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 330, match: { write: true }, times: 1 }]);
    const r = await call(h.client, "set_alt_url", NEW_ROW);
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "created", reconciled: true });
    expect(lostRows()).toHaveLength(1);
  });
});

describe("the other write tools", () => {
  it("disable_alt_url applied, answer lost: updated and reconciled", async () => {
    h = await open();
    dropNextWrite("reset-after-apply");
    const r = await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "updated", reconciled: true });
    expect(storedRows(h.sandbox, "2001").find((x) => x.url_id === 1)?.active).toBe("N");
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("enable_alt_url not applied: nothing changed, said so", async () => {
    h = await open();
    const before = h.sandbox.dump();
    dropNextWrite("reset-before-response");
    const r = await call(h.client, "enable_alt_url", { campaign_id: "2001", id: 3 });
    expect(r.structured.error?.message).toMatch(/not applied: nothing changed/);
    expect(h.sandbox.dump()).toBe(before);
  });

  it("delete_alt_url: the admin page's answer lost after deleting: done, with a warning, not resent", async () => {
    h = await open();
    h.sandbox.setFaults([{ mode: "reset-after-apply", match: { path: "admin", write: true }, times: 1 }]);
    h.sandbox.resetStats();
    const r = await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 3 });
    expect(r.isError, r.text).toBe(false);
    expect((r.structured.warnings as string[]).join("\n")).toMatch(/answer to the delete was lost; listing again showed the row is gone/);
    expect(storedRows(h.sandbox, "2001").some((x) => x.url_id === 3)).toBe(false);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("delete_alt_url: the admin page never reached: the row is still there, and the error says it was switched off only", async () => {
    h = await open();
    h.sandbox.setFaults([{ mode: "reset-before-response", match: { path: "admin", write: true }, times: 1 }]);
    h.sandbox.resetStats();
    const r = await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1 });
    expect(r.structured.error?.message).toMatch(/switched off \(inactive\) but not deleted/);
    expect(r.structured.error?.message).toMatch(/delete of Alt URL 1 was not applied/);
    expect(storedRows(h.sandbox, "2001").find((x) => x.url_id === 1)?.active).toBe("N");
    expect(writeRequests(h.sandbox)).toHaveLength(2);
  });

  it("enable_alt_url_mode: the switch applied, answer lost: switched, preserved row added once", async () => {
    h = await open();
    dropNextWrite("reset-after-apply", "update_campaign");
    const r = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.action).toBe("updated");
    expect((r.structured.warnings as string[]).join("\n")).toMatch(/answer to the switch was lost/);
    expect(storedCampaign(h.sandbox, "2002").dispo_call_url).toBe("ALT");
    expect(storedRows(h.sandbox, "2002")).toHaveLength(1);
    expect(writeRequests(h.sandbox).filter((w) => w.params.some(([k, v]) => k === "function" && v === "update_campaign"))).toHaveLength(1);
  });

  it("enable_alt_url_mode: switched but the preserved row refused: the error says the switch happened and how to finish", async () => {
    h = await open();
    // The two ALT probes (alt_url_id=0) pass; the NEW row after the switch gets a PHP fatal error.
    h.sandbox.setFaults([
      { mode: "latency", latencyMs: 0, match: { function: "update_alt_url", write: true }, times: 2 },
      { mode: "http500-empty", match: { function: "update_alt_url", write: true }, times: 1 },
    ]);
    const r = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" });
    expect(r.isError).toBe(true);
    expect(r.structured.error?.message).toMatch(/^Campaign 2002 is now in ALT mode, but preserve_url was not added as an Alt URL/);
    expect(r.structured.error?.fix).toMatch(
      /set_alt_url \(campaign_id 2002, statuses \["---ALL---"\], url https:\/\/helpdesk\.example\.com\/old\)/,
    );
    expect(r.structured.error?.fix).toMatch(/do not call enable_alt_url_mode again/);
    expect(storedCampaign(h.sandbox, "2002").dispo_call_url).toBe("ALT");
    expect(storedRows(h.sandbox, "2002")).toHaveLength(0);
  });

  it("enable_alt_url_mode: the switch not applied: nothing changed, said so", async () => {
    h = await open();
    const before = h.sandbox.dump();
    dropNextWrite("reset-before-response", "update_campaign");
    const r = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" });
    expect(r.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
    expect(r.structured.error?.message).toMatch(/switch of campaign 2002 to ALT was not applied: nothing changed/);
    expect(h.sandbox.dump()).toBe(before);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });
});

describe.skipIf(!ALL_TOOLS.some((t) => t.name === "copy_alt_urls"))("copy_alt_urls", () => {
  it("a create applied with its answer lost is reconciled, not repeated: one row per source row", async () => {
    h = await open();
    // The sandbox counts the ALT probe (alt_url_id=0) as a write: let it through, then drop the first NEW's answer.
    h.sandbox.setFaults([
      { mode: "latency", latencyMs: 0, match: { function: "update_alt_url", write: true }, times: 1 },
      { mode: "reset-after-apply", match: { function: "update_alt_url", write: true }, times: 1 },
    ]);
    h.sandbox.resetStats();
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"] });
    const results = r.structured.results as { ok: boolean; created: number }[];
    expect(results[0]).toMatchObject({ ok: true, created: 4 });
    expect((r.structured.warnings as string[]).join("\n")).toMatch(/answer to a write was lost; listing again showed it had been applied/);
    expect(storedRows(h.sandbox, "3001").filter((x) => x.url_statuses === "SALE")).toHaveLength(1);
    expect(writeRequests(h.sandbox)).toHaveLength(4);
  });

  // copy_alt_urls deletes through the same code as delete_alt_url (src/tools/removeRow.ts).
  it("replace: the admin page's answer lost after deleting is reported as deleted", async () => {
    h = await open();
    h.sandbox.setFaults([{ mode: "reset-after-apply", match: { path: "admin", write: true }, times: 1 }]);
    const r = await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true });
    expect(storedRows(h.sandbox, "3001").some((x) => x.url_id === 5)).toBe(false);
    const rows = (r.structured.results as { rows: { action: string; id: number | null }[] }[])[0]!.rows;
    expect(rows.find((x) => x.id === 5)?.action).toBe("deleted");
  });
});
