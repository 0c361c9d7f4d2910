/**
 * MCP sessions over Streamable HTTP: the Mcp-Session-Id header, 404 for an
 * ended or unknown session (so clients initialize again), DELETE, the GET
 * event stream, the idle timeout, the cap on open sessions, sessions bound
 * to the credential that opened them, the caller's actor reaching the tool
 * handlers, the two variables, and a graceful stop of the built CLI.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SESSION_LIMITS, sessionLimitsFromEnv } from "../src/entry/http.js";
import { type Authenticator, bearerOf, callerFor } from "../src/entry/httpGate.js";
import { call, DIST_ENTRY, ROOT, runCli } from "./helpers/harness.js";
import {
  connectClient,
  type HttpClient,
  type HttpRig,
  INITIALIZE,
  MCP_HEADERS,
  messagesOf,
  openStream,
  raw,
  rawSession,
  rpc,
  startRig,
  transportError,
  waitUntil,
} from "./http-helpers.js";

const TOKEN = "test-token-0123456789abcdef";

let rig: HttpRig | null = null;
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
  await rig?.close();
  rig = null;
});

async function client(opts: Parameters<typeof connectClient>[1] = {}): Promise<HttpClient> {
  const c = await connectClient(rig!.server.url, opts);
  clients.push(c);
  return c;
}

/** A ping on a session by hand: the HTTP status and, when answered, whether it was a result. */
async function ping(sessionId: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await raw(rig!.server.url, { headers: { ...MCP_HEADERS, ...headers, "mcp-session-id": sessionId }, body: rpc("ping") });
  if (r.status === 200) expect(messagesOf(r)[0]?.result).toEqual({});
  return r.status;
}

describe("the session's life", () => {
  it("initialize gives a session id; a request with an unknown one gets 404 (-32001), as the spec says", async () => {
    rig = await startRig();
    const init = await raw(rig.server.url, { headers: MCP_HEADERS, body: INITIALIZE });
    expect(init.status).toBe(200);
    expect(init.headers["mcp-session-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const unknown = await raw(rig.server.url, {
      headers: { ...MCP_HEADERS, "mcp-session-id": "00000000-0000-4000-8000-000000000000" },
      body: rpc("tools/list"),
    });
    expect(unknown.status).toBe(404);
    expect(transportError(unknown).code).toBe(-32001);
    expect(transportError(unknown).message).toMatch(/initialize/);
  });

  it("DELETE ends a session: its id then gets 404, and its slot is free", async () => {
    rig = await startRig();
    const c = await client();
    const id = c.transport.sessionId!;
    expect(rig.server.sessionCount()).toBe(1);
    await c.transport.terminateSession();
    expect(rig.server.sessionCount()).toBe(0);
    expect(await ping(id)).toBe(404);
    const byHand = await rawSession(rig.server.url);
    const del = await raw(rig.server.url, { method: "DELETE", headers: { "mcp-session-id": byHand } });
    expect(del.status).toBe(200);
    expect(await ping(byHand)).toBe(404);
  });

  it("GET opens the session's event stream", async () => {
    rig = await startRig();
    const id = await rawSession(rig.server.url);
    const stream = await openStream(rig.server.url, { accept: "text/event-stream", "mcp-session-id": id });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers["content-type"]).toBe("text/event-stream");
      expect(stream.headers["mcp-session-id"]).toBe(id);
      // The session still answers while its stream is open.
      expect(await ping(id)).toBe(200);
    } finally {
      stream.close();
    }
  });

  it("a session unused for the idle timeout is closed: its id gets 404 and a fresh initialize works", async () => {
    rig = await startRig({ http: { sessionLimits: { idleMs: 200 } } });
    const first = await client();
    expect((await call(first.client, "list_campaigns")).isError).toBe(false);
    const id = first.transport.sessionId!;
    // The SDK client keeps its GET stream open all along: that alone does not keep the session alive.
    await waitUntil(() => rig!.server.sessionCount() === 0, 15_000, "the idle session to be closed");
    expect(await ping(id)).toBe(404);
    const again = await client();
    expect(again.transport.sessionId).not.toBe(id);
    expect((await call(again.client, "list_campaigns")).isError).toBe(false);
  });

  it("a session with a slow call in flight is not idle", async () => {
    rig = await startRig({ http: { sessionLimits: { idleMs: 150 } } });
    rig.sandbox.setFaults([{ mode: "latency", latencyMs: 800 }]);
    const c = await client();
    const r = await call(c.client, "list_alt_urls", { campaign_id: "2001" });
    expect(r.isError, r.text).toBe(false);
  });
});

describe("the cap on open sessions", () => {
  it("refuses one more initialize with 503 and a JSON-RPC error naming the cap, while open sessions keep working", async () => {
    rig = await startRig({ http: { sessionLimits: { maxSessions: 2 } } });
    const [a, b] = [await client(), await client()];
    await expect(connectClient(rig.server.url)).rejects.toThrow(/503|Too many open sessions/);
    const refused = await raw(rig.server.url, { headers: MCP_HEADERS, body: INITIALIZE });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const error = transportError(refused);
    expect(error.id).toBe(1);
    expect(error.message).toMatch(/at most 2 \(MCP_HTTP_MAX_SESSIONS\)/);
    expect(rig.server.sessionCount()).toBe(2);
    for (const c of [a, b]) expect((await call(c.client, "list_campaigns")).isError).toBe(false);
    await a.transport.terminateSession();
    const c = await client();
    expect((await call(c.client, "list_campaigns")).isError).toBe(false);
  });
});

describe("a session belongs to the credential that opened it", () => {
  it("a session id with a wrong token or none is refused (401), and the session goes on with the right one", async () => {
    rig = await startRig({ http: { token: TOKEN } });
    const c = await client({ token: TOKEN });
    const id = c.transport.sessionId!;
    expect(await ping(id, { authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await ping(id)).toBe(401);
    expect(await ping(id, { authorization: `Bearer ${TOKEN}` })).toBe(200);
  });

  it("another valid credential cannot use, stream or end the session (404), and its owner carries on", async () => {
    // Two credentials, as OAuth will bring: each bearer value is its own actor.
    const twoUsers: Authenticator = {
      requiresCredential: true,
      identify(req) {
        const who = bearerOf(req);
        return who === "alice-secret" || who === "bob-secret"
          ? callerFor(who.replace("-secret", ""))
          : { status: 401, message: "Unauthorized" };
      },
    };
    rig = await startRig({ http: { authenticator: twoUsers } });
    const alice = await client({ token: "alice-secret" });
    const id = alice.transport.sessionId!;
    const bob = { authorization: "Bearer bob-secret" };
    expect(await ping(id, bob)).toBe(404);
    const stream = await openStream(rig.server.url, { ...bob, accept: "text/event-stream", "mcp-session-id": id });
    stream.close();
    expect(stream.status).toBe(404);
    const del = await raw(rig.server.url, { method: "DELETE", headers: { ...bob, "mcp-session-id": id } });
    expect(del.status).toBe(404);
    expect(rig.server.sessionCount()).toBe(1);
    expect((await call(alice.client, "list_campaigns")).isError).toBe(false);
  });

  it("a change made over HTTP is recorded with who made it: token, or anonymous on loopback without one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "http-actor-"));
    try {
      for (const [token, actor, id] of [
        [TOKEN, "token", 1],
        ["", "anonymous", 2],
      ] as const) {
        const audit = path.join(dir, `${actor}.jsonl`);
        rig = await startRig({ http: { token }, env: { VICIDIAL_AUDIT_LOG: audit } });
        const c = await client(token ? { token } : {});
        expect((await call(c.client, "disable_alt_url", { campaign_id: "2001", id })).isError).toBe(false);
        const lines = readFileSync(audit, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { actor: string; result: string });
        expect(lines.map((l) => l.actor)).toEqual([actor, actor]);
        await Promise.all(clients.splice(0).map((x) => x.client.close()));
        await rig.close();
        rig = null;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("MCP_HTTP_SESSION_IDLE_MS and MCP_HTTP_MAX_SESSIONS", () => {
  it("default to 30 minutes and 100 sessions, and take whole numbers in range", () => {
    expect(sessionLimitsFromEnv({})).toEqual({ idleMs: 1_800_000, maxSessions: 100 });
    expect(DEFAULT_SESSION_LIMITS).toEqual({ idleMs: 1_800_000, maxSessions: 100 });
    expect(sessionLimitsFromEnv({ MCP_HTTP_SESSION_IDLE_MS: " 60000 ", MCP_HTTP_MAX_SESSIONS: "5" })).toEqual({
      idleMs: 60_000,
      maxSessions: 5,
    });
    for (const [name, value] of [
      ["MCP_HTTP_SESSION_IDLE_MS", "abc"],
      ["MCP_HTTP_SESSION_IDLE_MS", "10"],
      ["MCP_HTTP_SESSION_IDLE_MS", "1.5"],
      ["MCP_HTTP_MAX_SESSIONS", "0"],
      ["MCP_HTTP_MAX_SESSIONS", "-3"],
      ["MCP_HTTP_MAX_SESSIONS", "100000"],
    ] as const) {
      expect(() => sessionLimitsFromEnv({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`^${name}: `));
    }
  });

  it("a bad value stops --http at start: exit 2 and one stderr line naming the variable", async () => {
    const bad: Record<string, string>[] = [{ MCP_HTTP_MAX_SESSIONS: "0" }, { MCP_HTTP_SESSION_IDLE_MS: "soon" }];
    for (const env of bad) {
      const r = await runCli(["--http", "--port", "0"], env);
      const name = Object.keys(env)[0]!;
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(name);
    }
  });
});

describe("graceful stop of the built CLI", () => {
  it("on SIGTERM with a client connected: ends its session, stops listening and exits 0", async () => {
    const child = spawn(process.execPath, [DIST_ENTRY, "--http", "--port", "0"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${stderr}`)), 15_000);
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /Listening on (http:\/\/\S+\/mcp)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect(stderr).toMatch(/at most 100 open, each closed after 30 min unused\. Run one instance per VICIdial system/);
    const c = await connectClient(url);
    try {
      expect((await call(c.client, "list_campaigns")).isError).toBe(false);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/SIGTERM: taking no new requests, then closing 1 session/);
      await expect(raw(url, { headers: MCP_HEADERS, body: INITIALIZE })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      child.kill("SIGKILL");
      await c.client.close();
    }
  });
});
