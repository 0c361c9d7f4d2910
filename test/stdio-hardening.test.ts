/**
 * The stdio server under a hostile environment and a hostile client (issue
 * 8, items 16 and 17): dotenv's own switches cannot make anything but
 * JSON-RPC reach stdout; a message over the size limit is answered with a
 * JSON-RPC error and the session goes on; closing stdin stops the process.
 * Each test spawns the built dist/index.js, as a desktop client does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notJsonRpc, type RawStdio, type RpcMessage, spawnRaw } from "./helpers/rawStdio.js";

let server: RawStdio | null = null;
const folders: string[] = [];
afterEach(() => {
  server?.kill();
  server = null;
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function folderWithDotenv(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "alturl-dotenv-"));
  folders.push(dir);
  writeFileSync(path.join(dir, ".env"), text);
  return dir;
}

describe("stdout carries JSON-RPC only, whatever dotenv is told", () => {
  it.each([
    ["the environment", { DOTENV_CONFIG_QUIET: "false", DOTENV_CONFIG_DEBUG: "true" }, ""],
    ["the .env file", {}, "DOTENV_CONFIG_QUIET=false\nDOTENV_CONFIG_DEBUG=true\n"],
  ])(
    "with DOTENV_CONFIG_QUIET=false and DOTENV_CONFIG_DEBUG=true in %s, every stdout line is JSON-RPC and .env still applies",
    async (_where, env, extra) => {
      const cwd = folderWithDotenv(`${extra}VICIDIAL_READ_ONLY=true\nVICIDIAL_AUDIT_LOG=off\n`);
      server = spawnRaw({ cwd, env: env as Record<string, string> });
      expect((await server.initialize()).result).toBeDefined();
      const list = await server.request(1, "tools/list");
      const names = ((list.result?.tools ?? []) as { name: string }[]).map((t) => t.name);
      // The .env file was read: read-only mode hides the write tools.
      expect(names).toContain("list_campaigns");
      expect(names).not.toContain("set_alt_url");
      server.child.stdin.end();
      expect(await server.exited(10_000)).toBe(0);
      expect(notJsonRpc(server.lines())).toEqual([]);
    },
  );
});

describe("a message over the size limit", () => {
  it("over 10 MB is answered with a JSON-RPC error carrying its id, logged on stderr, and the session goes on", async () => {
    server = spawnRaw({});
    await server.initialize();
    // As the SDK's client writes it: method and params first, the id last.
    const huge = `{"method":"tools/call","params":{"name":"list_alt_urls","arguments":{"campaign_id":"${"x".repeat(11 * 1024 * 1024)}"}},"jsonrpc":"2.0","id":7}\n`;
    const answered = server.answerTo(7);
    await server.write(huge);
    const refusal = await answered;
    expect(refusal.error?.code).toBe(-32600);
    expect(refusal.error?.message).toMatch(/too large.*1048576 bytes/);
    expect(server.stderr()).toMatch(/refused a message of \d+ bytes \(id 7\)/);
    // The same process still answers.
    const list = await server.request(8, "tools/list");
    expect(((list.result?.tools ?? []) as unknown[]).length).toBeGreaterThan(0);
    const call = await server.request(9, "tools/call", { name: "list_campaigns", arguments: {} });
    expect(call.result?.isError).not.toBe(true);
    expect(call.result?.structuredContent).toHaveProperty("campaigns");
    // The client heard it too, as an MCP log message.
    const logged = server.lines().map((l) => JSON.parse(l) as RpcMessage);
    expect(logged.find((m) => m.method === "notifications/message")?.params).toMatchObject({
      level: "warning",
      data: expect.stringMatching(/refused a message/),
    });
    expect(notJsonRpc(server.lines())).toEqual([]);
  }, 30_000);

  it("the server exits when stdin closes, also right after an oversize message", async () => {
    server = spawnRaw({});
    await server.initialize();
    await server.write(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"pad":"${"y".repeat(11 * 1024 * 1024)}"}}\n`);
    server.child.stdin.end();
    expect(await server.exited(10_000)).toBe(0);
  }, 30_000);
});
