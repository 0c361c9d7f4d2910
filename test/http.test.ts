/**
 * Streamable HTTP (`--http`): the SDK's own HTTP client against startHttp in
 * process, raw requests for the refusals (token, Host, Origin, methods, body
 * size), and the built CLI for port 0 and the refusal to listen beyond
 * loopback. Sessions themselves: test/http-sessions.test.ts; confirmation
 * over HTTP: test/http-confirm.test.ts.
 */
import { spawn } from "node:child_process";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import { type RunningHttp, startHttp } from "../src/entry/http.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call, DIST_ENTRY, ROOT, runCli } from "./helpers/harness.js";
import { connectClient, transportError as errorOf, INITIALIZE, MCP_HEADERS, type RawResponse, raw, rpc } from "./http-helpers.js";

const TOKEN = "test-token-0123456789abcdef";

let sandbox: Sandbox;
let services: Services;
let withToken: RunningHttp;
let open: RunningHttp;

beforeAll(async () => {
  sandbox = await startSandbox();
  const config = loadConfig({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234", VICIDIAL_AUDIT_LOG: "off" });
  services = createServices(config, sandbox.url, { sandbox: true, logLevel: "error", retryDelayMs: 5 });
  withToken = await startHttp(services, { host: "127.0.0.1", port: 0, token: TOKEN });
  open = await startHttp(services, { host: "127.0.0.1", port: 0, token: "" });
});

afterAll(async () => {
  await withToken?.close();
  await open?.close();
  await services?.close();
  await sandbox?.close();
});

async function connect(url: string, token?: string): Promise<Client> {
  return (await connectClient(url, token ? { token } : {})).client;
}

/** The error of a refusal made before any JSON-RPC request was read: id null. */
function transportError(r: RawResponse): { code: number; message: string } {
  const error = errorOf(r);
  expect(error.id).toBeNull();
  return error;
}

describe("Streamable HTTP with a bearer token", () => {
  it("lists the tools and calls one with the token", async () => {
    const client = await connect(withToken.url, TOKEN);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(["list_campaigns", "list_alt_urls", "set_alt_url", "check_connection"]),
      );
      const r = await call(client, "list_campaigns");
      expect(r.isError).toBe(false);
      expect(r.structured.sandbox).toBe(true);
      const ids = (r.structured.campaigns as { id: string }[]).map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining(["2001", "2002", "3001"]));
    } finally {
      await client.close();
    }
  });

  it("answers 401 without a token, with a wrong one, and with a token of another length", async () => {
    for (const auth of [undefined, `Bearer ${TOKEN.slice(0, -1)}x`, "Bearer short", `Basic ${TOKEN}`]) {
      const r = await raw(withToken.url, { headers: { ...MCP_HEADERS, ...(auth ? { authorization: auth } : {}) }, body: INITIALIZE });
      expect(r.status, String(auth)).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
      expect(transportError(r).message).toMatch(/MCP_HTTP_TOKEN/);
      expect(r.body).not.toContain(TOKEN);
    }
  });

  it("makes the SDK client fail to connect without the token", async () => {
    await expect(connect(withToken.url)).rejects.toThrow(/401|Unauthorized/);
  });

  it("refuses a foreign Origin with 403 even with the token", async () => {
    const r = await raw(withToken.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${TOKEN}`, origin: "https://evil.example.com" },
      body: INITIALIZE,
    });
    expect(r.status).toBe(403);
    expect(transportError(r).message).toMatch(/Origin/);
  });

  it("accepts the loopback Origin of a local page", async () => {
    const origin = `http://localhost:${withToken.port}`;
    const r = await raw(withToken.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${TOKEN}`, origin }, body: INITIALIZE });
    expect(r.status).toBe(200);
  });

  it("runs two clients at once, each in its own session, each answered with its own data", async () => {
    const [ca, cb] = await Promise.all([connectClient(withToken.url, { token: TOKEN }), connectClient(withToken.url, { token: TOKEN })]);
    const [a, b] = [ca.client, cb.client];
    expect(ca.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cb.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ca.transport.sessionId).not.toBe(cb.transport.sessionId);
    try {
      const results = await Promise.all([
        call(a, "list_alt_urls", { campaign_id: "2001" }),
        call(b, "list_alt_urls", { campaign_id: "3001" }),
        call(a, "list_campaigns"),
        call(b, "list_campaigns"),
      ]);
      for (const r of results) expect(r.isError, r.text).toBe(false);
      const [rowsA, rowsB] = [results[0]!.structured.alt_urls, results[1]!.structured.alt_urls] as { campaign_id: string }[][];
      expect(rowsA!.length).toBeGreaterThan(0);
      expect(rowsA!.every((row) => row.campaign_id === "2001")).toBe(true);
      expect(rowsB!.every((row) => row.campaign_id === "3001")).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("Streamable HTTP on loopback without a token", () => {
  it("works without Authorization", async () => {
    const client = await connect(open.url);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.ping();
    } finally {
      await client.close();
    }
  });

  it("refuses a Host that does not name this server (DNS rebinding) with 403", async () => {
    for (const host of ["evil.example.com", `evil.example.com:${open.port}`, `127.0.0.1:${open.port + 1}`]) {
      const r = await raw(open.url, { headers: { ...MCP_HEADERS, host }, body: INITIALIZE });
      expect(r.status, host).toBe(403);
      expect(transportError(r).message).toMatch(/Host/);
    }
  });

  it("accepts the loopback names of this server as Host", async () => {
    for (const host of [`localhost:${open.port}`, `127.0.0.1:${open.port}`]) {
      const r = await raw(open.url, { headers: { ...MCP_HEADERS, host }, body: INITIALIZE });
      expect(r.status, host).toBe(200);
    }
  });

  it("refuses a foreign Origin, and the literal null Origin of sandboxed pages", async () => {
    for (const origin of ["http://evil.example.com", `http://evil.example.com:${open.port}`, "null"]) {
      const r = await raw(open.url, { headers: { ...MCP_HEADERS, origin }, body: INITIALIZE });
      expect(r.status, origin).toBe(403);
    }
  });

  it("without a session: GET, DELETE and a POST other than initialize answer 400; PUT 405; other paths 404", async () => {
    for (const method of ["GET", "DELETE"]) {
      const r = await raw(open.url, { method, headers: { accept: "text/event-stream" } });
      expect(r.status, method).toBe(400);
      expect(transportError(r).message).toMatch(/Mcp-Session-Id header is required/);
    }
    const post = await raw(open.url, { headers: MCP_HEADERS, body: rpc("tools/list") });
    expect(post.status).toBe(400);
    expect(transportError(post).message).toMatch(/initialize/);
    const put = await raw(open.url, { method: "PUT", headers: MCP_HEADERS, body: INITIALIZE });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, POST, DELETE");
    expect(transportError(put).code).toBe(-32000);
    const r = await raw(open.url.replace(/\/mcp$/, "/other"), { headers: MCP_HEADERS, body: INITIALIZE });
    expect(r.status).toBe(404);
  });

  it("refuses a body over 1 MB with 413, and keeps serving", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { pad: "x".repeat(1024 * 1024) } });
    const r = await raw(open.url, { headers: MCP_HEADERS, body: big });
    expect(r.status).toBe(413);
    expect(transportError(r).message).toMatch(/too large/i);
    const client = await connect(open.url);
    await client.ping();
    await client.close();
  });

  it("answers a malformed body with a JSON-RPC parse error, not a crash", async () => {
    const r = await raw(open.url, { headers: MCP_HEADERS, body: "{not json" });
    expect(r.status).toBe(400);
    expect(transportError(r).code).toBe(-32700);
    const client = await connect(open.url);
    await client.ping();
    await client.close();
  });

  it("refuses to listen beyond loopback without a token", async () => {
    await expect(startHttp(services, { host: "0.0.0.0", port: 0, token: "  " })).rejects.toThrow(ConfigError);
    await expect(startHttp(services, { host: "0.0.0.0", port: 0, token: "" })).rejects.toThrow(/MCP_HTTP_TOKEN/);
  });
});

describe("the built CLI with --http", () => {
  it("listens on the port it was given (0: any free one), prints the URL on stderr and serves the tools", async () => {
    const child = spawn(process.execPath, [DIST_ENTRY, "--http", "--port", "0"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", MCP_HTTP_TOKEN: TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
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
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(url).not.toMatch(/:0\/mcp$/);
      expect(stderr).toContain("bearer token required");
      const client = await connect(url, TOKEN);
      const r = await call(client, "list_campaigns");
      expect(r.isError).toBe(false);
      expect(r.structured.sandbox).toBe(true);
      await client.close();
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
    expect(stdout).toBe("");
    expect(stderr).not.toContain(TOKEN);
  });

  it("refuses --host 0.0.0.0 without MCP_HTTP_TOKEN: exit 2 and one stderr line naming it", async () => {
    const r = await runCli(["--http", "--host", "0.0.0.0", "--port", "0"], {});
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("MCP_HTTP_TOKEN");
  });

  it("says in one line when the port is taken", async () => {
    const r = await runCli(["--http", "--port", String(open.port)], {});
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toMatch(/port is in use/);
  });
});
