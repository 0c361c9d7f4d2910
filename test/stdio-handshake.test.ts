/**
 * A stdio client waits for initialize and tools/list at every launch; the
 * server gives both before it loads the SDK (src/entry/stdio.ts,
 * src/server/handshake.ts). What the client notices: the answers are the
 * SDK's own, each request gets exactly one, the client's capabilities still
 * reach the server, and nothing it sends early is lost.
 */
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/env.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import { createServer } from "../src/server/createServer.js";
import { initializeResult, toolsListResult } from "../src/server/handshake.js";
import { call, spawnStdio } from "./helpers/harness.js";
import { notJsonRpc, type RawStdio, spawnRaw } from "./helpers/rawStdio.js";

const REAL = { VICIDIAL_URL: "http://127.0.0.1:9", VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "secret-pass-1" };
const INIT = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "handshake-test", version: "1.0.0" } };

let server: RawStdio | null = null;
const opened: Services[] = [];
afterEach(async () => {
  server?.kill();
  server = null;
  for (const s of opened.splice(0)) await s.close();
});

function services(env: Record<string, string>): Services {
  const s = createServices(loadConfig({ ...REAL, VICIDIAL_AUDIT_LOG: "off", ...env }), REAL.VICIDIAL_URL, {
    sandbox: false,
    logLevel: "error",
  });
  opened.push(s);
  return s;
}

/** What the SDK's server answers to one request, over an in-memory pair. */
async function sdkAnswer(s: Services, method: string, params: Record<string, unknown>) {
  const mcp = createServer(s);
  const [ours, theirs] = InMemoryTransport.createLinkedPair();
  const answered = new Promise<JSONRPCMessage>((resolve) => (theirs.onmessage = resolve));
  await theirs.start();
  await mcp.connect(ours);
  if (method !== "initialize") await theirs.send({ jsonrpc: "2.0", id: 0, method: "initialize", params: INIT });
  await theirs.send({ jsonrpc: "2.0", id: 1, method, params });
  let answer = await answered;
  if (method !== "initialize") answer = await new Promise<JSONRPCMessage>((resolve) => (theirs.onmessage = resolve));
  await mcp.close();
  return (answer as { result: unknown }).result;
}

describe("the early answers are the SDK's answers", () => {
  it.each([LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS.at(-1)!, "1999-01-01"])(
    "initialize asking for %s: the same version, capabilities, server info and instructions",
    async (version) => {
      const envs: Record<string, string>[] = [{}, { VICIDIAL_READ_ONLY: "true" }];
      for (const env of envs) {
        const s = services(env);
        expect(await initializeResult(s, version)).toEqual(await sdkAnswer(s, "initialize", { ...INIT, protocolVersion: version }));
      }
    },
  );

  it("tools/list: the same tools, read-only mode and a tool selection applied", async () => {
    const envs: Record<string, string>[] = [{}, { VICIDIAL_READ_ONLY: "true" }, { VICIDIAL_TOOLS: "list_campaigns,list_alt_urls" }];
    for (const env of envs) {
      const s = services(env);
      expect(await toolsListResult(s)).toEqual(await sdkAnswer(s, "tools/list", {}));
    }
  });
});

describe("the built server over stdio", () => {
  it("answers initialize and tools/list once each, and the same again once the SDK answers them", async () => {
    server = spawnRaw({ env: REAL });
    const first = await server.initialize();
    const firstList = await server.request(2, "tools/list");
    // Anything else is the SDK's: once it answers, it also answers initialize and tools/list itself.
    expect((await server.request(3, "ping")).result).toEqual({});
    const again = await server.request("init-again", "initialize", INIT);
    const againList = await server.request(4, "tools/list");
    expect(again.result).toEqual(first.result);
    expect(againList.result).toEqual(firstList.result);
    const ids = server.lines().map((l) => (JSON.parse(l) as { id?: unknown }).id);
    expect(ids.filter((id) => id === "init")).toHaveLength(1);
    expect(ids.filter((id) => id === 2)).toHaveLength(1);
    expect(notJsonRpc(server.lines())).toEqual([]);
  });

  it("the server knows the capabilities the client gave in the initialize it answered early: a delete asks the person", async () => {
    const asked: string[] = [];
    const srv = await spawnStdio(
      {},
      {
        elicit: (message) => {
          asked.push(message);
          return { action: "decline" };
        },
      },
    );
    try {
      const rows = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
      const id = (rows.structured.alt_urls as { id: number }[])[0]!.id;
      const r = await call(srv.client, "delete_alt_url", { campaign_id: "2001", id });
      expect(asked).toHaveLength(1);
      expect(r.structured.error?.code).toBe("DECLINED");
    } finally {
      await srv.close();
    }
  });

  it("answers a call sent right after initialize, without a tools/list first", async () => {
    server = spawnRaw({ env: REAL });
    await server.initialize();
    const call = await server.request(2, "tools/call", { name: "list_systems", arguments: {} });
    expect(call.result?.isError).not.toBe(true);
    expect(call.result?.structuredContent).toHaveProperty("systems");
  });

  it("leaves a malformed initialize to the SDK, which answers it, once", async () => {
    server = spawnRaw({ env: REAL });
    const answer = await server.request(1, "initialize", { protocolVersion: "2025-06-18" });
    expect(answer.error?.code).toBeLessThan(0);
    expect(answer.result).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.lines().filter((l) => (JSON.parse(l) as { id?: unknown }).id === 1)).toHaveLength(1);
  });

  it.each([
    ["before any message", false],
    ["right after initialize", true],
  ])("exits 0 when stdin closes %s", async (_when, initialize) => {
    server = spawnRaw({ env: REAL });
    if (initialize) await server.initialize();
    server.child.stdin.end();
    expect(await server.exited(10_000)).toBe(0);
    expect(notJsonRpc(server.lines())).toEqual([]);
  });
});
