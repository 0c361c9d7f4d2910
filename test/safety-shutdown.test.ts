/**
 * Issue 8 item 7: a write that reached VICIdial is never without an audit
 * line, however the process stops. The intent line (PENDING) is written
 * before the request leaves, so even a killed process leaves one; on SIGTERM
 * or when stdin closes, the built server takes no new call, waits (bounded)
 * for the write in flight, answers it and records its outcome, then exits 0.
 * The sandbox holds the write back (a latency fault) so the stop lands while
 * it is under way.
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { call, DIST_ENTRY, ROOT } from "./helpers/harness.js";
import { type RawStdio, spawnRaw } from "./helpers/rawStdio.js";
import { connectClient } from "./http-helpers.js";
import { storedRows, waitFor } from "./safety-helpers.js";

const HOLD_MS = 1500;
const URL = "https://crm.example.com/stop?lead=--A--lead_id--B--";

interface AuditLine {
  change_id: string;
  tool: string;
  result: string;
  campaign_id: string;
  after?: { id: number } | null;
}

let sandbox: Sandbox;
let dir: string;
let server: RawStdio | null = null;
beforeEach(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), "safety-shutdown-"));
});
afterEach(async () => {
  server?.kill();
  server = null;
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function audit(): AuditLine[] {
  const file = path.join(dir, "audit.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
}

/** A spawned server in the middle of a set_alt_url whose write request the sandbox is holding. */
async function writeInFlight(): Promise<{ srv: RawStdio; answer: Promise<unknown> }> {
  const srv = spawnRaw({
    env: {
      VICIDIAL_URL: sandbox.url,
      VICIDIAL_USER: "6666",
      VICIDIAL_PASS: "sandbox1234",
      VICIDIAL_AUDIT_LOG: path.join(dir, "audit.jsonl"),
    },
  });
  server = srv;
  await srv.initialize();
  sandbox.setFaults([{ mode: "latency", latencyMs: HOLD_MS, match: { write: true }, times: 1 }]);
  const answer = srv.request(7, "tools/call", { name: "set_alt_url", arguments: { campaign_id: "2001", statuses: ["STOP"], url: URL } });
  await waitFor(() => sandbox.stats().log.some((r) => isWriteRequest(r) && r.status === 0), 20_000, "the write to reach the sandbox");
  return { srv, answer };
}

const stopRow = () => storedRows(sandbox, "2001").find((r) => r.url_statuses === "STOP");

describe("killed (SIGKILL) while a write is in flight", () => {
  it("leaves the PENDING intent line, which says a write was attempted whose outcome is unknown", async () => {
    const { srv } = await writeInFlight();
    srv.child.kill("SIGKILL");
    expect(await srv.exited(10_000)).toBeNull(); // killed: no exit code
    const lines = audit();
    expect(lines).toEqual([expect.objectContaining({ tool: "set_alt_url", campaign_id: "2001", result: "PENDING" })]);
    // The write did reach VICIdial: the line is all that tells of it.
    await waitFor(() => stopRow() !== undefined, 10_000, "the held write to land");
  });
});

describe("SIGTERM while a write is in flight", () => {
  it("takes no new call, answers the write, records its outcome, then exits 0", async () => {
    const { srv, answer } = await writeInFlight();
    srv.child.kill("SIGTERM");
    await waitFor(() => /SIGTERM: taking no new calls/.test(srv.stderr()), 10_000, "the server to take the signal");
    // A call sent after the signal is never taken.
    void srv.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "list_campaigns", arguments: {} } })}\n`,
    );
    const reply = (await answer) as { result?: { structuredContent?: { action?: string; alt_url?: { id: number } } } };
    expect(reply.result?.structuredContent?.action).toBe("created");
    expect(await srv.exited(15_000)).toBe(0);
    const lines = audit();
    expect(lines.map((l) => l.result)).toEqual(["PENDING", "OK"]);
    expect(lines[1]!.change_id).toBe(lines[0]!.change_id);
    expect(lines[1]!.after?.id).toBe(stopRow()!.url_id);
    expect(srv.lines().map((l) => (JSON.parse(l) as { id?: unknown }).id)).not.toContain(8);
  });
});

describe("stdin closed while a write is in flight", () => {
  it("waits for the write, records its outcome, then exits 0", async () => {
    const { srv } = await writeInFlight();
    srv.child.stdin.end();
    expect(await srv.exited(15_000)).toBe(0);
    expect(audit().map((l) => l.result)).toEqual(["PENDING", "OK"]);
    expect(stopRow()).toBeDefined();
  });
});

describe("--http: SIGTERM while a write is in flight", () => {
  it("answers the write on its session, records its outcome, then exits 0", async () => {
    const child = spawn(process.execPath, [DIST_ENTRY, "--http", "--port", "0"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        VICIDIAL_URL: sandbox.url,
        VICIDIAL_USER: "6666",
        VICIDIAL_PASS: "sandbox1234",
        VICIDIAL_AUDIT_LOG: path.join(dir, "audit.jsonl"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(() => /Listening on http:\/\/\S+\/mcp/.test(stderr), 15_000, "the URL on stderr");
      const c = await connectClient(/Listening on (http:\/\/\S+\/mcp)/.exec(stderr)![1]!);
      sandbox.setFaults([{ mode: "latency", latencyMs: HOLD_MS, match: { write: true }, times: 1 }]);
      const answer = call(c.client, "set_alt_url", { campaign_id: "2001", statuses: ["STOP"], url: URL });
      await waitFor(() => sandbox.stats().log.some((r) => isWriteRequest(r) && r.status === 0), 20_000, "the write to reach the sandbox");
      child.kill("SIGTERM");
      expect((await answer).structured.action).toBe("created");
      expect(await exited).toBe(0);
      expect(audit().map((l) => l.result)).toEqual(["PENDING", "OK"]);
      await c.client.close().catch(() => {});
    } finally {
      child.kill("SIGKILL");
    }
  });
});
