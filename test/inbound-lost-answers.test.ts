/**
 * Lost answers on the admin page (issue 9): an add or a change of an
 * in-group or list row whose answer breaks after VICIdial applied it (reset,
 * truncated body, timeout) is settled by listing again, never by sending it
 * again. The result says what is there (reconciled: true), exactly one row
 * exists, and the audit records the real outcome.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FaultMode } from "../src/sandbox/index.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";
import { adminActions, listRows } from "./helpers/toolCalls.js";
import { API_USER, SECRET, safetySeed, storedRows } from "./safety-helpers.js";

let h: InProcess | null = null;
let dir: string;
let auditFile: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "inbound-lost-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await h?.close();
  h = null;
});

const INGROUP = { campaign_id: "SALESLINE", entry_type: "ingroup" };
const LIST = { campaign_id: "101", entry_type: "list", url_type: "noagent" };

/** A server on a fresh sandbox with its own audit file; rights proven first, so faults meet only the write. */
async function start(opts: { env?: Record<string, string>; relistDelaysMs?: number[]; warm: Record<string, unknown> }) {
  auditFile = path.join(dir, `audit-${++n}.jsonl`);
  h = await inProcess({
    env: { VICIDIAL_USER: API_USER, VICIDIAL_PASS: SECRET, VICIDIAL_AUDIT_LOG: auditFile, ...opts.env },
    sandbox: { seed: safetySeed() },
    ...(opts.relistDelaysMs ? { relistDelaysMs: opts.relistDelaysMs } : {}),
  });
  await listRows(h.client, opts.warm);
}

/** The next admin-page write breaks as `mode` says; the request log starts afresh. */
function breakNextWrite(mode: FaultMode) {
  h!.sandbox.setFaults([{ mode, match: { path: "admin", write: true }, times: 1 }]);
  h!.sandbox.resetStats();
}

const writesSent = () => adminActions(h!.sandbox.stats().log).filter((a) => a !== "LIST");

interface AuditLine {
  change_id: string;
  result: string;
  action: string;
  actor: string;
  alt_url_id: number | null;
  after?: { id: number; url: string; lists: string[] } | null;
}
const auditOf = (changeId: unknown): AuditLine[] =>
  readFileSync(auditFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as AuditLine)
    .filter((l) => l.change_id === changeId);

const APPLIED: FaultMode[] = ["reset-after-apply", "truncated-body"];

describe("an in-group add whose answer is lost after VICIdial stored it", () => {
  it.each(APPLIED)("%s: created and reconciled, exactly one row, the NEW sent once, audited OK with the row", async (mode) => {
    await start({ warm: INGROUP });
    breakNextWrite(mode);
    const url = "https://crm.example.com/in/lost?lead=--A--lead_id--B--";
    const r = await call(h!.client, "set_alt_url", { ...INGROUP, statuses: ["LOST"], url });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "created", reconciled: true });
    expect((r.structured.warnings as string[]).join("\n")).toMatch(/answer to the write was lost; listing in-group SALESLINE again/);
    const rows = storedRows(h!.sandbox, "SALESLINE").filter((x) => x.url_statuses === "LOST");
    expect(rows).toHaveLength(1);
    expect((r.structured.alt_url as { id: number }).id).toBe(rows[0]!.url_id);
    expect(writesSent()).toEqual(["URL_MULTI_NEW"]);
    const lines = auditOf(r.structured.change_id);
    expect(lines.map((l) => l.result)).toEqual(["PENDING", "OK"]);
    expect(lines[1]).toMatchObject({ action: "created", alt_url_id: rows[0]!.url_id, after: { id: rows[0]!.url_id, url } });
  });

  it("with lists: the NEW's answer lost, the lists then set on the id just listed, one row holding them", async () => {
    await start({ warm: INGROUP });
    breakNextWrite("reset-after-apply");
    const r = await call(h!.client, "set_alt_url", {
      ...INGROUP,
      statuses: ["LOSTL"],
      url: "https://crm.example.com/in/lists",
      lists: ["101", "102"],
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "created", reconciled: true, alt_url: { lists: ["101", "102"] } });
    const rows = storedRows(h!.sandbox, "SALESLINE").filter((x) => x.url_statuses === "LOSTL");
    expect(rows.map((x) => x.url_lists)).toEqual(["101 102"]);
    expect(writesSent()).toEqual(["URL_MULTI_NEW", `URL_MULTI_MODIFY:${rows[0]!.url_id}`]);
    expect(auditOf(r.structured.change_id).map((l) => l.result)).toEqual(["PENDING", "OK"]);
  });

  it("timed out, then stored while the writer looks again: created and reconciled, one row, never resent", async () => {
    // VICIdial finishes the NEW 900 ms after it arrived; the client gives up at 300 ms and lists again over the next seconds.
    await start({ warm: INGROUP, env: { VICIDIAL_TIMEOUT_MS: "300" }, relistDelaysMs: [1000, 2000, 3000] });
    h!.sandbox.setFaults([{ mode: "latency", latencyMs: 900, match: { path: "admin", write: true }, times: 1 }]);
    h!.sandbox.resetStats();
    const r = await call(h!.client, "set_alt_url", { ...INGROUP, statuses: ["LATE"], url: "https://crm.example.com/in/late" });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ action: "created", reconciled: true });
    expect(storedRows(h!.sandbox, "SALESLINE").filter((x) => x.url_statuses === "LATE")).toHaveLength(1);
    expect(writesSent()).toEqual(["URL_MULTI_NEW"]);
    expect(auditOf(r.structured.change_id).map((l) => l.result)).toEqual(["PENDING", "OK"]);
  });
});

describe("a change of an in-group or list row whose answer is lost after VICIdial stored it", () => {
  const cases = [
    { name: "in-group row 101", entry: INGROUP, id: 101, statuses: ["SALE", "PSALE"] },
    { name: "list row 104", entry: LIST, id: 104, statuses: ["---ALL---"] },
  ];
  for (const c of cases) {
    it.each(APPLIED)(`${c.name}, %s: updated and reconciled, the row as meant, the MODIFY sent once, audited OK`, async (mode) => {
      await start({ warm: c.entry });
      breakNextWrite(mode);
      const url = `https://crm.example.com/changed/${c.id}?lead=--A--lead_id--B--`;
      const r = await call(h!.client, "set_alt_url", { ...c.entry, id: c.id, statuses: c.statuses, url });
      expect(r.isError, r.text).toBe(false);
      expect(r.structured).toMatchObject({ action: "updated", reconciled: true, changes: { url: { after: url } } });
      expect(
        storedRows(h!.sandbox)
          .filter((x) => x.url_id === c.id)
          .map((x) => x.url_address),
      ).toEqual([url]);
      expect(writesSent()).toEqual([`URL_MULTI_MODIFY:${c.id}`]);
      const lines = auditOf(r.structured.change_id);
      expect(lines.map((l) => l.result)).toEqual(["PENDING", "OK"]);
      expect(lines[1]).toMatchObject({ action: "updated", alt_url_id: c.id, after: { url } });
    });
  }

  it("list row 104, the connection dropped before VICIdial answered: nothing changed, said so, not resent, audited as failed", async () => {
    await start({ warm: LIST });
    const before = h!.sandbox.dump();
    breakNextWrite("reset-before-response");
    const r = await call(h!.client, "disable_alt_url", { ...LIST, id: 104 });
    expect(r.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
    expect(r.structured.error?.message).toMatch(
      /Listing list 101 again \(at [\d:]+ UTC\) shows the change to Alt URL 104 was not applied: nothing changed/,
    );
    expect(h!.sandbox.dump()).toBe(before);
    expect(writesSent()).toEqual(["URL_MULTI_MODIFY:104"]);
    const lines = auditOf(lastChangeId());
    expect(lines.map((l) => l.result)).toEqual(["PENDING", "VICIDIAL_UNREACHABLE"]);
    expect("after" in lines[1]!).toBe(false);
  });
});

/** The change id of the last record (a failed call returns none). */
function lastChangeId(): string {
  const lines = readFileSync(auditFile, "utf8").trim().split("\n");
  return (JSON.parse(lines[lines.length - 1]!) as AuditLine).change_id;
}
