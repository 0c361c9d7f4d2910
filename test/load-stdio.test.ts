/**
 * Load on one stdio server, driven the way a client drives it: the built
 * dist/index.js spawned with node:child_process, JSON-RPC lines written to
 * stdin, the raw stdout stream read back. 50 mixed calls at once, with a
 * little latency at the sandbox so they overlap: every call is answered with
 * its own campaign's data, the sandbox never sees more than
 * VICIDIAL_MAX_CONCURRENCY requests in flight, and stdout carries nothing
 * but JSON-RPC 2.0 messages, one per line.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { storedRows } from "./faults-helpers.js";
import { DIST_ENTRY, ROOT } from "./helpers/harness.js";

const MAX_CONCURRENCY = 3;
const CALLS = 50;

interface Rpc {
  jsonrpc: string;
  id?: number;
  method?: string;
  result?: { isError?: boolean; structuredContent?: Record<string, unknown> };
  error?: unknown;
}

let sandbox: Sandbox;
let child: ChildProcessWithoutNullStreams;
let stdout = "";
let stderr = "";
const waiting = new Map<number, (m: Rpc) => void>();

function send(message: Record<string, unknown>): void {
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
}

function request(id: number, method: string, params: Record<string, unknown>): Promise<Rpc> {
  const answered = new Promise<Rpc>((resolve) => waiting.set(id, resolve));
  send({ id, method, params });
  return answered;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  child = spawn(process.execPath, [DIST_ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      VICIDIAL_URL: sandbox.url,
      VICIDIAL_USER: "6666",
      VICIDIAL_PASS: "sandbox1234",
      VICIDIAL_MAX_CONCURRENCY: String(MAX_CONCURRENCY),
      VICIDIAL_AUDIT_LOG: "off",
      LOG_LEVEL: "debug",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let pending = "";
  child.stdout.on("data", (d: Buffer) => {
    const text = d.toString();
    stdout += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const msg = JSON.parse(line) as Rpc;
        if (typeof msg.id === "number") waiting.get(msg.id)?.(msg);
      } catch {
        // Reported by the stdout test below, which checks every line.
      }
    }
  });
  const init = await request(0, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "load-test", version: "1.0.0" },
  });
  expect(init.result).toBeDefined();
  send({ method: "notifications/initialized" });
});

afterAll(async () => {
  child.stdin.end();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (child.kill("SIGKILL"), resolve()), 5000);
    child.on("exit", () => (clearTimeout(timer), resolve()));
  });
  await sandbox.close();
});

interface Planned {
  tool: string;
  args: Record<string, unknown>;
  check(s: Record<string, unknown>): void;
}

type Row = { id: number; campaign_id: string; statuses: string[]; url: string };

/** 50 calls of mixed tools, each checkable on its own answer. */
function plan(): Planned[] {
  const tools = new Set(ALL_TOOLS.map((t) => t.name));
  const out: Planned[] = [];
  for (let k = 0; k < CALLS; k++) {
    switch (k % 6) {
      case 0:
        out.push({
          tool: "list_alt_urls",
          args: { campaign_id: "2001" },
          check: (s) => {
            expect(s.campaign_id).toBe("2001");
            expect((s.alt_urls as Row[]).map((r) => r.id).sort()).toEqual([1, 2, 3, 4]);
          },
        });
        break;
      case 1:
        out.push({
          tool: "list_alt_urls",
          args: { campaign_id: "2002" },
          check: (s) => expect(s).toMatchObject({ campaign_id: "2002", alt_urls: [] }),
        });
        break;
      case 2:
        out.push({
          tool: "set_alt_url",
          args: { campaign_id: "3001", statuses: [`L${k}`], url: `https://crm.example.com/load?k=${k}` },
          check: (s) =>
            expect(s).toMatchObject({
              action: "created",
              alt_url: { campaign_id: "3001", statuses: [`L${k}`], url: `https://crm.example.com/load?k=${k}` },
            }),
        });
        break;
      case 3: {
        const status = ["SALE", "PSALE", "CALLBK", "NI"][Math.floor(k / 6) % 4]!;
        if (tools.has("preview_dispo_urls")) {
          out.push({
            tool: "preview_dispo_urls",
            args: { campaign_id: "2001", status, list_id: "101", talk_time: 45 },
            check: (s) => {
              expect(s).toMatchObject({ campaign_id: "2001", status, alt_mode: true });
              const fired = (s.fires as { id: number }[]).map((f) => f.id);
              const expected = { SALE: [1, 2, 4], PSALE: [2, 4], CALLBK: [4], NI: [4] }[status];
              expect(fired).toEqual(expected);
            },
          });
        } else {
          out.push({
            tool: "list_alt_urls",
            args: { campaign_id: "2001", url_type: "start" },
            check: (s) => expect(s).toMatchObject({ campaign_id: "2001", url_type: "start" }),
          });
        }
        break;
      }
      case 4:
        out.push({
          tool: "list_campaigns",
          args: {},
          check: (s) => expect((s.campaigns as { id: string }[]).map((c) => c.id)).toEqual(["2001", "2002", "3001"]),
        });
        break;
      default:
        out.push({ tool: "check_connection", args: {}, check: (s) => expect(s.ok).toBe(true) });
    }
  }
  return out;
}

describe(`${CALLS} concurrent calls on one stdio server`, () => {
  it("all answered, each with its own data, within the concurrency cap", async () => {
    sandbox.resetStats();
    sandbox.setFaults([{ mode: "latency", latencyMs: 15 }]);
    const calls = plan();
    // Written in one go: the server sees all 50 before it has answered any.
    const answers = calls.map((_, i) => new Promise<Rpc>((resolve) => waiting.set(i + 1, resolve)));
    child.stdin.write(
      calls
        .map(
          (c, i) => JSON.stringify({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params: { name: c.tool, arguments: c.args } }) + "\n",
        )
        .join(""),
    );
    const results = await Promise.all(answers);
    sandbox.setFaults([]);

    results.forEach((msg, i) => {
      const c = calls[i]!;
      expect(msg.error, `${c.tool} ${JSON.stringify(c.args)}`).toBeUndefined();
      expect(msg.result?.isError, `${c.tool} ${JSON.stringify(msg.result)}`).not.toBe(true);
      c.check(msg.result!.structuredContent!);
    });

    const stats = sandbox.stats();
    expect(stats.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect(stats.maxInFlight, "the calls did overlap").toBeGreaterThan(1);
    // One row per set_alt_url call, none duplicated, none lost.
    const written = storedRows(sandbox).filter((r) => r.campaign_id === "3001");
    const expected = calls.filter((c) => c.tool === "set_alt_url").map((c) => (c.args.statuses as string[])[0]);
    expect(
      written
        .map((r) => r.url_statuses)
        .filter((s) => s.startsWith("L"))
        .sort(),
    ).toEqual(expected.sort());
  }, 60_000);

  it("stdout carried nothing but JSON-RPC 2.0 messages, one per line", () => {
    expect(stdout.endsWith("\n")).toBe(true);
    const lines = stdout.split("\n").slice(0, -1);
    expect(lines.length).toBeGreaterThanOrEqual(CALLS + 1);
    for (const line of lines) {
      let msg: Rpc;
      try {
        msg = JSON.parse(line) as Rpc;
      } catch {
        throw new Error(`not JSON on stdout: ${line.slice(0, 200)}`);
      }
      expect(msg.jsonrpc, line.slice(0, 200)).toBe("2.0");
      expect(typeof msg.id === "number" ? "result" in msg || "error" in msg : typeof msg.method === "string", line.slice(0, 200)).toBe(
        true,
      );
    }
    // With LOG_LEVEL=debug the server did log, and all of it went to stderr.
    expect(stderr.length).toBeGreaterThan(0);
  });
});
