/**
 * Two real instances (the built server with --http, two processes) on one
 * redis-server and one VICIdial (the sandbox), as behind a load balancer: 50
 * concurrent creates of one status set, split across them, end in one row;
 * and a session lives on the instance that opened it only (why the load
 * balancer must keep each Mcp-Session-Id on one instance).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call, DIST_ENTRY, ROOT } from "./helpers/harness.js";
import { type RedisServer, redisAvailable, startRedis } from "./helpers/redis.js";
import { connectClient, type HttpClient, MCP_HEADERS, raw, rawSession, rpc } from "./http-helpers.js";
import { storedRows, writeRequests } from "./safety-helpers.js";

const TESTS = [
  "50 concurrent creates of one status set, split across two instances, end in one row",
  "a session is known only to the instance that opened it (sticky routing on Mcp-Session-Id)",
];
const canRun = redisAvailable("test/fleet-processes.test.ts", TESTS);
const TOKEN = "fleet-token-0123456789abcdef";

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

function startInstance(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [DIST_ENTRY, "--http", "--port", "0"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${stderr}`)), 20_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /Listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => stderr });
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

async function stop(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once("exit", r));
  s.child.kill("SIGTERM");
  await exited;
}

describe.skipIf(!canRun)("two instances of the built server behind one (imaginary) load balancer", () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: Started;
  let b: Started;
  const clients: HttpClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox();
    const env = {
      VICIDIAL_URL: sandbox.url,
      VICIDIAL_USER: "6666",
      VICIDIAL_PASS: "sandbox1234",
      VICIDIAL_COORDINATION_URL: redis.url,
      MCP_HTTP_TOKEN: TOKEN,
      VICIDIAL_WRITE_RATE: "100/min",
    };
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.client.close().catch(() => {})));
    await Promise.all([stop(a), stop(b)]);
    await sandbox?.close();
    await redis?.stop();
  });

  it(TESTS[0]!, async () => {
    expect(a.stderr()).toMatch(/route each Mcp-Session-Id to the instance that gave it/);
    const ca = await connectClient(a.url, { token: TOKEN });
    const cb = await connectClient(b.url, { token: TOKEN });
    clients.push(ca, cb);
    const row = { campaign_id: "2001", statuses: ["LB"], url: "https://crm.example.com/lb?l=--A--lead_id--B--" };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call((i % 2 ? cb : ca).client, "set_alt_url", row)));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    expect(results.filter((r) => r.structured.action === "created")).toHaveLength(1);
    expect(storedRows(sandbox, "2001").filter((r) => r.url_statuses === "LB")).toHaveLength(1);
    expect(writeRequests(sandbox)).toHaveLength(1);
  });

  it(TESTS[1]!, async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const session = await rawSession(a.url, { headers });
    const onB = await raw(b.url, { headers: { ...MCP_HEADERS, ...headers, "mcp-session-id": session }, body: rpc("ping") });
    expect(onB.status).toBe(404);
    const onA = await raw(a.url, { headers: { ...MCP_HEADERS, ...headers, "mcp-session-id": session }, body: rpc("ping") });
    expect(onA.status).toBe(200);
  });
});
