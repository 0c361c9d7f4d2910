/**
 * History and undo over stdio: the built server with an audit log, against a
 * sandbox this test starts. Undo of a create, an update and a delete (on a
 * campaign and on an in-group), undo refused with CONFLICT after a later
 * change, a change whose log holds only its intent, and the audit log off.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { call, type Spawned, spawnStdio } from "./helpers/harness.js";

interface Row {
  id: number;
  statuses: string[];
  url: string;
  active: boolean;
  rank: number;
  description: string;
}
interface ChangeView {
  change_id: string;
  tool: string;
  actor: string;
  action: string;
  outcome: string;
  result: string;
  alt_url_id: number | null;
  undoes: string | null;
  campaign_id: string;
  entry_type: string;
}

let sandbox: Sandbox;
let dir: string;
let audit: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), "history-stdio-"));
  audit = path.join(dir, "audit.jsonl");
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  VICIDIAL_URL: sandbox.url,
  VICIDIAL_USER: "6666",
  VICIDIAL_PASS: "sandbox1234",
  VICIDIAL_AUDIT_LOG: audit,
  ...extra,
});
const writes = () => sandbox.stats().log.filter(isWriteRequest);

describe("list_changes and undo_change over stdio", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnStdio(env());
    await srv.client.listTools();
  });
  afterAll(async () => srv.close());

  const rows = async (campaign_id: string, entry_type = "campaign") =>
    (await call(srv.client, "list_alt_urls", { campaign_id, entry_type })).structured.alt_urls as Row[];

  it("undoes a create: the created row is deleted, and the undo is recorded with undoes", async () => {
    const created = await call(srv.client, "set_alt_url", { campaign_id: "3001", statuses: ["NI"], url: "https://crm.example.com/ni" });
    const id = (created.structured.alt_url as Row).id;
    const undo = await call(srv.client, "undo_change", { change_id: created.structured.change_id });
    expect(undo.isError, undo.text).toBe(false);
    expect(undo.structured).toMatchObject({ action: "deleted", alt_url: { id }, undone: { change_id: created.structured.change_id } });
    expect((await rows("3001")).map((r) => r.id)).not.toContain(id);

    const history = (await call(srv.client, "list_changes", { campaign_id: "3001", limit: 2 })).structured.changes as ChangeView[];
    expect(history.map((c) => [c.tool, c.action, c.outcome, c.actor])).toEqual([
      ["undo_change", "deleted", "ok", "stdio"],
      ["set_alt_url", "created", "ok", "stdio"],
    ]);
    expect(history[0]!.undoes).toBe(created.structured.change_id);
    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { undoes?: string; result: string });
    expect(lines.filter((l) => l.undoes === created.structured.change_id).map((l) => l.result)).toEqual(["PENDING", "OK"]);
  });

  it("undoes an update: the row gets its values back", async () => {
    const before = (await rows("2001")).find((r) => r.id === 2)!;
    const updated = await call(srv.client, "set_alt_url", {
      campaign_id: "2001",
      id: 2,
      statuses: ["SALE", "PSALE"],
      url: "https://orders.example.com/v2",
      rank: 9,
    });
    expect(updated.structured.action).toBe("updated");
    const undo = await call(srv.client, "undo_change", { change_id: updated.structured.change_id });
    expect(undo.isError, undo.text).toBe(false);
    expect(undo.structured.action).toBe("updated");
    expect((await rows("2001")).find((r) => r.id === 2)).toEqual(before);
  });

  it("undoes a delete: the row is re-created with the same values (under a new id)", async () => {
    const before = (await rows("2001")).find((r) => r.id === 3)!;
    const deleted = await call(srv.client, "delete_alt_url", { campaign_id: "2001", id: 3 });
    expect(deleted.isError, deleted.text).toBe(false);
    const undo = await call(srv.client, "undo_change", { change_id: deleted.structured.change_id });
    expect(undo.isError, undo.text).toBe(false);
    expect(undo.structured.action).toBe("created");
    const back = (await rows("2001")).find((r) => r.statuses.join() === "CALLBK")!;
    expect({ ...back, id: 3 }).toEqual(before);
    expect(back.id).not.toBe(3);
    expect((undo.structured.warnings as string[]).join()).toMatch(/new id/);
  });

  it("undoes changes of an in-group row too", async () => {
    const before = (await rows("SALESLINE", "ingroup")).find((r) => r.id === 101)!;
    const updated = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      id: 101,
      statuses: ["SALE", "PSALE"],
      url: before.url,
      description: "Changed by hand",
    });
    expect(updated.structured.action).toBe("updated");
    const history = (await call(srv.client, "list_changes", { campaign_id: "salesline", entry_type: "ingroup", id: 101 })).structured
      .changes as ChangeView[];
    expect(history[0]).toMatchObject({ change_id: updated.structured.change_id, entry_type: "ingroup", alt_url_id: 101 });
    const undo = await call(srv.client, "undo_change", { change_id: updated.structured.change_id });
    expect(undo.isError, undo.text).toBe(false);
    expect((await rows("SALESLINE", "ingroup")).find((r) => r.id === 101)).toEqual(before);
  });

  it("refuses with CONFLICT, sending nothing, when the row changed after the change", async () => {
    const first = await call(srv.client, "set_alt_url", {
      campaign_id: "3001",
      id: 5,
      statuses: ["SALE", "RETAIN"],
      url: "https://retention.example.com/v2",
    });
    const later = await call(srv.client, "set_alt_url", {
      campaign_id: "3001",
      id: 5,
      statuses: ["SALE", "RETAIN"],
      url: "https://retention.example.com/v3",
    });
    expect(later.structured.action).toBe("updated");
    sandbox.resetStats();
    const undo = await call(srv.client, "undo_change", { change_id: first.structured.change_id });
    expect(undo.isError).toBe(true);
    expect(undo.structured.error).toMatchObject({ code: "CONFLICT" });
    expect(undo.structured.error!.message).toContain("url");
    expect(undo.structured.current).toMatchObject({ id: 5, url: "https://retention.example.com/v3" });
    expect(undo.text).toContain("https://retention.example.com/v3");
    expect(writes()).toEqual([]);
    // The later change itself can still be undone, and then the first one can.
    expect((await call(srv.client, "undo_change", { change_id: later.structured.change_id })).isError).toBe(false);
    expect((await call(srv.client, "undo_change", { change_id: first.structured.change_id })).isError).toBe(false);
    expect((await rows("3001")).find((r) => r.id === 5)!.url).toBe(
      "https://retention.example.com/saved?lead=--A--lead_id--B--&status=--A--dispo--B--",
    );
  });

  it("shows a change whose log holds only its intent with its outcome unknown, and will not undo it", async () => {
    const change_id = "00000000-0000-4000-8000-000000000001";
    appendFileSync(
      audit,
      `${JSON.stringify({ time: new Date().toISOString(), change_id, tool: "set_alt_url", actor: "stdio", system: "default", campaign_id: "2001", entry_type: "campaign", url_type: "dispo", alt_url_id: 1, action: "updated", before: null, after: { url: "x" }, result: "PENDING", sandbox: false })}\n`,
    );
    const listed = (await call(srv.client, "list_changes", { limit: 1 })).structured.changes as ChangeView[];
    expect(listed[0]).toMatchObject({ change_id, outcome: "unknown", result: "PENDING" });
    const undo = await call(srv.client, "undo_change", { change_id });
    expect(undo.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "change_id" });
    expect(undo.structured.error!.fix).toContain("list_alt_urls");
  });
});

describe("with the audit log off", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnStdio(env({ VICIDIAL_AUDIT_LOG: "off" }));
  });
  afterAll(async () => srv.close());

  it("list_changes and undo_change say there is no history, and how to have one", async () => {
    for (const [tool, args] of [
      ["list_changes", {}],
      ["undo_change", { change_id: "00000000-0000-4000-8000-000000000001" }],
    ] as const) {
      const out = await call(srv.client, tool, args);
      expect(out.isError).toBe(true);
      expect(out.structured.error!.message).toContain("VICIDIAL_AUDIT_LOG=off");
      expect(out.structured.error!.fix).toContain("VICIDIAL_AUDIT_LOG");
    }
  });
});
