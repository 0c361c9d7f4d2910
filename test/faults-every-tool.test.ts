/**
 * Every tool against every way VICIdial's web server can fail, with every
 * request broken: the result is the contract's error code with a fix, reads
 * are retried at most twice (with a growing pause), nothing is written, and
 * the same server answers the next call once VICIdial is healthy again.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { describeLog, ERROR_MODES, EXPECTED_CODE, errorOf, startCrmStub, visibleState, writeRequests } from "./faults-helpers.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";
import { SAMPLE_DOCUMENT, SEEDED_CHANGE_ID, seedChangeLog } from "./helpers/history.js";

/** Short, so a hang costs a third of a second per case; the other faults get a timeout a busy machine never meets. */
const TIMEOUT_MS = 300;
const CALM_TIMEOUT_MS = 5000;
/** An audit log holding one change, so undo_change has something to undo. */
const AUDIT = path.join(mkdtempSync(path.join(os.tmpdir(), "faults-every-tool-")), "audit.jsonl");
const ENV = { VICIDIAL_TIMEOUT_MS: String(TIMEOUT_MS), VICIDIAL_AUDIT_LOG: AUDIT };

let crm: Awaited<ReturnType<typeof startCrmStub>>;
beforeAll(async () => {
  crm = await startCrmStub();
  seedChangeLog(AUDIT);
});
afterAll(async () => crm.close());

/** The default call centre, with row 1 pointing at the local CRM stub so test_alt_url stays on this machine. */
function seed(): SandboxSeed {
  const s = defaultSeed();
  s.vicidial_url_multi[0]!.url_address = `${crm.url}/vicidial/sale?lead_id=--A--lead_id--B--`;
  return s;
}

/** A valid call of each tool; a tool without one here fails the suite, so new tools get covered. */
function argsFor(tool: string): Record<string, unknown> {
  const args: Record<string, Record<string, unknown>> = {
    list_campaigns: {},
    list_ingroups: {},
    list_alt_urls: { campaign_id: "2001" },
    preview_dispo_urls: { campaign_id: "2001", status: "SALE" },
    set_alt_url: { campaign_id: "2001", statuses: ["NI"], url: "https://crm.example.com/ni" },
    enable_alt_url: { campaign_id: "2001", id: 3 },
    disable_alt_url: { campaign_id: "2001", id: 1 },
    delete_alt_url: { campaign_id: "2001", id: 3 },
    enable_alt_url_mode: { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/x" },
    copy_alt_urls: { from_campaign_id: "2001", to_campaign_ids: ["3001"] },
    test_alt_url: { campaign_id: "2001", id: 1, allow_private: true, timeout_ms: 2000 },
    check_connection: {},
    // Without campaign_id the report is the first request that logs in.
    list_url_deliveries: {},
    export_alt_urls: { entries: [{ campaign_id: "2001" }] },
    plan_alt_urls: { document: SAMPLE_DOCUMENT },
    apply_alt_urls: { document: SAMPLE_DOCUMENT },
    undo_change: { change_id: SEEDED_CHANGE_ID },
  };
  const a = args[tool];
  if (!a) throw new Error(`no fault scenario for tool ${tool}: add one to test/faults-every-tool.test.ts`);
  return a;
}

/** Tools that read only this server's own audit log or configuration: no VICIdial request to break. */
const LOG_ONLY = ["list_changes"];
const OFFLINE = new Set(["list_systems"]);
const TOOLS = ALL_TOOLS.map((t) => t.name).filter((t) => !LOG_ONLY.includes(t) && !OFFLINE.has(t));

async function open(timeoutMs = CALM_TIMEOUT_MS): Promise<{ sandbox: Sandbox; h: InProcess; close(): Promise<void> }> {
  const sandbox = await startSandbox({ seed: seed() });
  const h = await inProcess({ useSandbox: sandbox, env: { ...ENV, VICIDIAL_TIMEOUT_MS: String(timeoutMs) } });
  return { sandbox, h, close: async () => (await h.close(), await sandbox.close()) };
}

describe.each(TOOLS)("%s with every request broken", (tool) => {
  it.each(ERROR_MODES)("%s: the contract's error and a fix, nothing written, and the next call works", async (mode) => {
    const { sandbox, h, close } = await open(mode === "hang" ? TIMEOUT_MS : CALM_TIMEOUT_MS);
    try {
      const before = visibleState(sandbox);
      sandbox.setFaults([{ mode }]);
      const started = Date.now();
      const r = await call(h.client, tool, argsFor(tool));
      const elapsed = Date.now() - started;
      const log = sandbox.stats().log;
      const err = errorOf(r);

      expect(err, `${tool} under ${mode} gave no error: ${r.text}`).not.toBeNull();
      expect(err!.code, `${tool} under ${mode}: ${err!.message} [${describeLog(log)}]`).toBe(EXPECTED_CODE[mode]);
      expect(err!.message.length).toBeGreaterThan(10);
      expect(err!.fix.length, "every error carries a fix").toBeGreaterThan(10);
      // check_connection reports problems as failed checks; every other tool fails the call.
      expect(r.isError).toBe(tool !== "check_connection");
      if (tool === "check_connection") expect(r.structured.ok).toBe(false);
      expect(r.text).toContain(EXPECTED_CODE[mode]);

      expect(writeRequests(log), "nothing that can change data reached VICIdial").toEqual([]);
      expect(visibleState(sandbox)).toEqual(before);
      // Reads are retried at most twice; a timed-out one not at all (the caller already waited).
      const perRequest = new Map<string, number>();
      for (const rec of log) perRequest.set(JSON.stringify(rec.params), (perRequest.get(JSON.stringify(rec.params)) ?? 0) + 1);
      expect(Math.max(...perRequest.values())).toBeLessThanOrEqual(mode === "hang" ? 1 : 3);
      if (mode === "hang") {
        expect(log).toHaveLength(1);
        // Given up once the timeout passed (one request in the log: not retried); answered within a generous bound.
        expect(elapsed).toBeLessThan(TIMEOUT_MS + 5000);
      }

      sandbox.setFaults([]);
      const next = await call(h.client, tool, argsFor(tool));
      expect(errorOf(next), `the next ${tool} call after ${mode}: ${next.text}`).toBeNull();
      expect(next.isError).toBe(false);
    } finally {
      await close();
    }
  });

  it("added latency below the timeout: the call simply succeeds", async () => {
    const { sandbox, h, close } = await open();
    try {
      sandbox.setFaults([{ mode: "latency", latencyMs: 40 }]);
      const r = await call(h.client, tool, argsFor(tool));
      expect(errorOf(r), r.text).toBeNull();
      expect(r.isError).toBe(false);
    } finally {
      await close();
    }
  });
});

describe.each([...OFFLINE])("%s with every request broken", (tool) => {
  it("answers from the configuration without sending a single request", async () => {
    const { sandbox, h, close } = await open();
    try {
      sandbox.resetStats();
      sandbox.setFaults(ERROR_MODES.map((mode) => ({ mode })));
      const r = await call(h.client, tool, {});
      expect(errorOf(r), r.text).toBeNull();
      expect(sandbox.stats().requests).toBe(0);
    } finally {
      await close();
    }
  });
});

describe("retries", () => {
  it("a read whose answer was lost is not tried again: it may have been a failed login", async () => {
    const { sandbox, h, close } = await open();
    try {
      await call(h.client, "list_campaigns");
      sandbox.resetStats();
      sandbox.setFaults([{ mode: "reset-before-response", match: { function: "update_alt_url" }, times: 2 }]);
      const r = await call(h.client, "list_alt_urls", { campaign_id: "2001" });
      expect(r.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
      const lists = sandbox.stats().log.filter((x) => new Map(x.params).get("alt_url_id") === "LIST");
      expect(lists).toHaveLength(1);
      sandbox.setFaults([]);
      expect((await call(h.client, "list_alt_urls", { campaign_id: "2001" })).isError).toBe(false);
    } finally {
      await close();
    }
  });

  it("a read answered with something that is not VICIdial's is retried with a growing pause, after a good login", async () => {
    const { sandbox, h, close } = await open();
    try {
      await call(h.client, "list_campaigns");
      sandbox.resetStats();
      sandbox.setFaults([{ mode: "garbage", match: { function: "update_alt_url" }, times: 2 }]);
      const r = await call(h.client, "list_alt_urls", { campaign_id: "2001" });
      expect(r.isError).toBe(false);
      expect((r.structured.alt_urls as unknown[]).length).toBe(4);
      const lists = sandbox.stats().log.filter((x) => new Map(x.params).get("alt_url_id") === "LIST");
      expect(lists).toHaveLength(3);
      // The harness sets a 5 ms base pause: 5 ms, then 15 ms.
      const [a, b, c] = lists.map((x) => x.at);
      expect(b! - a!).toBeGreaterThanOrEqual(5);
      expect(c! - b!).toBeGreaterThanOrEqual(15);
    } finally {
      await close();
    }
  });

  it("a broken read is given up after three attempts, with the error of the last", async () => {
    const { sandbox, h, close } = await open();
    try {
      await call(h.client, "list_alt_urls", { campaign_id: "2001" });
      sandbox.resetStats();
      sandbox.setFaults([{ mode: "garbage", match: { function: "campaigns_list" } }]);
      const r = await call(h.client, "list_campaigns");
      expect(r.structured.error?.code).toBe("UNEXPECTED_RESPONSE");
      expect(r.structured.error?.retryable).toBe(true);
      expect(sandbox.stats().log).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it("a write whose answer broke is never sent again: the campaign is listed instead", async () => {
    const { sandbox, h, close } = await open();
    try {
      sandbox.setFaults([{ mode: "reset-before-response", match: { function: "update_alt_url", write: true }, times: 1 }]);
      const r = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["NI"], url: "https://crm.example.com/ni" });
      expect(r.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
      expect(r.structured.error?.message).toMatch(/not applied: nothing changed/);
      const log = sandbox.stats().log;
      expect(writeRequests(log)).toHaveLength(1);
      expect(describeLog(log)).toBe("campaigns_list update_alt_url:LIST update_alt_url:NEW update_alt_url:LIST");
    } finally {
      await close();
    }
  });
});
