/**
 * In-group and list rows through the admin page (issue 9): the answers the
 * page gives when someone else works on the same row, and its own
 * sanitising. A change that finds the row already as meant ("Problem
 * modifying URL: 0") is nothing changed, not an error; a row that reads back
 * other than meant is VERIFY_FAILED naming the field and both values; a `;`
 * in a URL, which the page drops, is encoded as on the campaign path.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxRequestRecord } from "../src/sandbox/index.js";
import { call, type InProcess } from "./helpers/harness.js";
import { adminActions, listRows } from "./helpers/toolCalls.js";
import { direct, open, storedRows, waitFor } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const INGROUP = { campaign_id: "SALESLINE", entry_type: "ingroup" };
const LIST = { campaign_id: "101", entry_type: "list", url_type: "noagent" };

/** Every field of a row as the admin page's MODIFY takes them, for a colleague's edit. */
interface PageRow {
  campaign_id: string;
  entry_type: string;
  url_type: string;
  url_id: number;
  active: string;
  url_rank: number;
  url_statuses: string;
  url_lists: string;
  url_call_length: number;
  url_description: string;
  url_address: string;
}

/** A colleague's MODIFY on the admin page, as user 6666, beside the server. */
function colleagueModify(row: PageRow, change: Partial<PageRow>): Promise<string> {
  const r = { ...row, ...change };
  return direct(
    h!.sandbox,
    {
      action: "URL_MULTI_MODIFY",
      campaign_id: r.campaign_id,
      entry_type: r.entry_type,
      url_type: r.url_type,
      url_id: String(r.url_id),
      active: r.active,
      url_rank: String(r.url_rank),
      url_statuses: r.url_statuses,
      url_lists: r.url_lists,
      url_call_length: String(r.url_call_length),
      url_description: r.url_description,
      url_address: r.url_address,
    },
    "admin",
  );
}

const stored = (id: number) => storedRows(h!.sandbox).find((r) => r.url_id === id)! as unknown as PageRow;

const isModify = (id: number) => (r: SandboxRequestRecord) =>
  r.params.some(([k, v]) => k === "action" && v === "URL_MULTI_MODIFY") && r.params.some(([k, v]) => k === "url_id" && v === String(id));
const modifyAnswered = (id: number) => () => h!.sandbox.stats().log.some((r) => isModify(id)(r) && r.status === 200);
const modifyArrived = (id: number) => () => h!.sandbox.stats().log.some(isModify(id));

/** Prove the admin page's rights first (their probes are listings too), so the faults meet only the write's own requests. */
async function warmUp(args: Record<string, unknown>): Promise<void> {
  await listRows(h!.client, args);
}

/** The server's own admin-page MODIFYs of a row (the colleague is user 6666, the server mcpsafe). */
const ourModifies = (id: number) => h!.sandbox.stats().log.filter((r) => isModify(id)(r) && r.basicUser !== "6666");

function auditLines(file: string): { change_id: string; result: string; action: string; before: unknown; after?: unknown }[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("a change the admin page finds already made (Problem modifying URL: 0)", () => {
  it("set_alt_url of an in-group row: nothing changed, no error, the row as stored, sent once, audited as no change", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "inbound-unchanged-"));
    const file = path.join(dir, "audit.jsonl");
    try {
      h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
      await warmUp(INGROUP);
      const want = "https://crm.example.com/vicidial/inbound-v2?lead_id=--A--lead_id--B--";
      const before = stored(101);
      // Our MODIFY waits; meanwhile a colleague makes exactly the same change on VICIdial's screen.
      h.sandbox.setFaults([{ mode: "latency", latencyMs: 1500, match: { path: "admin", write: true }, times: 1 }]);
      h.sandbox.resetStats();
      const pending = call(h.client, "set_alt_url", { ...INGROUP, id: 101, statuses: ["SALE", "PSALE"], url: want });
      await waitFor(modifyArrived(101), 5000, "our MODIFY to arrive");
      expect(await colleagueModify(before, { url_address: want })).toContain("1 MULTI URL MODIFIED (ID: 101)");
      const r = await pending;
      expect(r.isError, r.text).toBe(false);
      expect(r.structured).toMatchObject({ action: "unchanged", changes: {}, reconciled: false, alt_url: { id: 101, url: want } });
      expect((r.structured.warnings as string[]).join("\n")).toMatch(/left Alt URL 101 as it was: it already held these values/);
      expect(r.text).toContain("nothing changed");
      expect(ourModifies(101)).toHaveLength(1);
      expect(stored(101).url_address).toBe(want);
      // The audit does not claim this server changed the URL: before and after are the same row.
      const outcome = auditLines(file).filter((l) => l.change_id === r.structured.change_id)[1]!;
      expect(outcome.result).toBe("OK");
      expect(outcome.before).toEqual(outcome.after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("disable_alt_url of a list row a colleague has just switched off: unchanged, not an error", async () => {
    h = await open();
    await warmUp(LIST);
    const before = stored(104);
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 1500, match: { path: "admin", write: true }, times: 1 }]);
    h.sandbox.resetStats();
    const pending = call(h.client, "disable_alt_url", { ...LIST, id: 104 });
    await waitFor(modifyArrived(104), 5000, "our MODIFY to arrive");
    expect(await colleagueModify(before, { active: "N" })).toContain("1 MULTI URL MODIFIED (ID: 104)");
    const r = await pending;
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "unchanged", changes: {}, alt_url: { id: 104, active: false } });
    expect(ourModifies(104)).toHaveLength(1);
    expect(stored(104).active).toBe("N");
  });
});

describe("a row that reads back other than meant is VERIFY_FAILED", () => {
  /** Let the session's listing through, then hold the read-back listing while a colleague edits the row. */
  function holdReadBack() {
    h!.sandbox.setFaults([
      { mode: "latency", latencyMs: 0, match: { path: "admin", write: false }, times: 1 },
      { mode: "latency", latencyMs: 1500, match: { path: "admin", write: false }, times: 1 },
    ]);
  }

  it("an in-group row changed by a colleague between our MODIFY and the read-back: the field and both values", async () => {
    h = await open();
    await warmUp(INGROUP);
    const before = stored(101);
    holdReadBack();
    const want = "https://orders.example.com/inbound?lead=--A--lead_id--B--";
    const pending = call(h.client, "set_alt_url", { ...INGROUP, id: 101, statuses: ["SALE", "PSALE"], url: want });
    await waitFor(modifyAnswered(101), 5000, "our MODIFY to be answered");
    await colleagueModify({ ...before, url_address: want }, { url_address: "https://intruder.example.com/x" });
    const r = await pending;
    expect(r.structured.error?.code).toBe("VERIFY_FAILED");
    expect(r.structured.error?.field).toBe("url");
    expect(r.structured.error?.message).toContain(`meant "${want}"`);
    expect(r.structured.error?.message).toContain('VICIdial stored "https://intruder.example.com/x"');
    expect(r.structured.error?.fix).toContain("list_alt_urls");
    expect(ourModifies(101)).toHaveLength(1);
  });

  it("a list row whose statuses a colleague changed under our write: statuses named with both values", async () => {
    h = await open();
    await warmUp(LIST);
    const before = stored(104);
    holdReadBack();
    const pending = call(h.client, "set_alt_url", {
      ...LIST,
      id: 104,
      statuses: ["---ALL---"],
      url: before.url_address,
      description: "ours",
    });
    await waitFor(modifyAnswered(104), 5000, "our MODIFY to be answered");
    await colleagueModify({ ...before, url_description: "ours" }, { url_statuses: "DROP AFTHRS" });
    const r = await pending;
    expect(r.structured.error?.code).toBe("VERIFY_FAILED");
    expect(r.structured.error?.field).toBe("statuses");
    expect(r.structured.error?.message).toContain('statuses: meant ["---ALL---"], VICIdial stored ["DROP","AFTHRS"]');
  });
});

describe("a ; in an in-group URL (the admin page drops it)", () => {
  it("the admin page really drops a raw ;", async () => {
    h = await open();
    const before = stored(102);
    await colleagueModify(before, { url_address: "https://log.example.com/in?a=1;b=2" });
    expect(stored(102).url_address).toBe("https://log.example.com/in?a=1b=2");
  });

  it("set_alt_url encodes it as %3B, warns, and the in-group row stores and reports exactly that, as on a campaign", async () => {
    h = await open();
    const url = "https://crm.example.com/in;v=2?lead=--A--lead_id--B--&tags=a;b";
    const want = "https://crm.example.com/in%3Bv=2?lead=--A--lead_id--B--&tags=a%3Bb";
    const r = await call(h.client, "set_alt_url", { ...INGROUP, statuses: ["SEMI"], url });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "created", alt_url: { url: want } });
    expect((r.structured.warnings as string[]).join("\n")).toContain('encoded ";" as %3B');
    expect(storedRows(h.sandbox, "SALESLINE").find((x) => x.url_statuses === "SEMI")?.url_address).toBe(want);
    // The campaign path gives the same URL for the same input.
    const camp = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["SEMI"], url });
    expect((camp.structured.alt_url as { url: string }).url).toBe(want);
  });

  it("a ; in an in-group URL's host is refused before anything is sent", async () => {
    h = await open();
    await warmUp(INGROUP);
    h.sandbox.resetStats();
    const r = await call(h.client, "set_alt_url", { ...INGROUP, statuses: ["SEMI"], url: "https://crm;example.com/in" });
    expect(r.structured.error?.code).toBe("INVALID_INPUT");
    expect(r.structured.error?.field).toBe("url");
    expect(adminActions(h.sandbox.stats().log).filter((a) => a !== "LIST")).toEqual([]);
  });
});
