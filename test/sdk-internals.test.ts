/**
 * The SDK internals this server relies on (src/server/sdkInternals.ts) are
 * still there and still behave as assumed. When an SDK update breaks one,
 * this fails with the name of the internal, before any client notices.
 */
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { lenientCompletions, wrapRequestHandler } from "../src/server/sdkInternals.js";

function server(): McpServer {
  const s = new McpServer({ name: "t", version: "1" }, { capabilities: { tools: {}, completions: {} } });
  s.registerTool("t", { inputSchema: {} }, async () => ({ content: [] }));
  // A template with completion makes the SDK install its completion/complete handler.
  const template = new ResourceTemplate("x://{id}", { list: undefined, complete: { id: () => ["a"] } });
  s.registerResource("r", template, {}, async () => ({ contents: [] }));
  return s;
}

describe("SDK internals", () => {
  it("the request handler table holds tools/call and completion/complete", () => {
    const s = server();
    expect(() => wrapRequestHandler(s, "tools/call", (h) => h)).not.toThrow();
    expect(() => lenientCompletions(s)).not.toThrow();
    expect(() => wrapRequestHandler(s, "no/such/method", (h) => h)).toThrow(/update src\/server\/sdkInternals\.ts/);
  });
});

describe("SDK internals at call time", () => {
  it("a wrapped tools/call handler is the one the server runs for a call, known tool or not", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
    const s = server();
    const seen: string[] = [];
    wrapRequestHandler(s, "tools/call", (original) => async (request, extra) => {
      seen.push((request as { params: { name: string } }).params.name);
      return original(request, extra);
    });
    const client = new Client({ name: "c", version: "1" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([s.connect(a), client.connect(b)]);
    await client.callTool({ name: "t", arguments: {} });
    await client.callTool({ name: "nope", arguments: {} });
    expect(seen).toEqual(["t", "nope"]);
    await client.close();
  });

  it("logging/setLevel has a handler to wrap when logging is declared, and the wrapped one answers the client", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
    const s = new McpServer({ name: "t", version: "1" }, { capabilities: { logging: {} } });
    const levels: unknown[] = [];
    wrapRequestHandler(s, "logging/setLevel", (original) => async (request, extra) => {
      levels.push((request as { params: { level: string } }).params.level);
      return original(request, extra);
    });
    const client = new Client({ name: "c", version: "1" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([s.connect(a), client.connect(b)]);
    await expect(client.setLoggingLevel("error")).resolves.toEqual({});
    expect(levels).toEqual(["error"]);
    await client.close();
  });
});
