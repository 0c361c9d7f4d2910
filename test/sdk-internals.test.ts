/**
 * The SDK internals this server relies on (src/server/sdkInternals.ts) are
 * still there and still behave as assumed. When an SDK update breaks one,
 * this fails with the name of the internal, before any client notices.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { fileHolding, packagesIn, startFiles } from "../scripts/bundle-meta.mjs";
import { rewriteSdkSource, SDK_REWRITES, SDK_TRIMS } from "../scripts/sdk-patches.mjs";
import { lenientCompletions, wrapRequestHandler } from "../src/server/sdkInternals.js";
import { DIST_ENTRY, ROOT } from "./helpers/harness.js";

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

describe("what the bundle changes in the SDK (scripts/sdk-patches.mjs)", () => {
  const sdk = path.join(ROOT, "node_modules", "@modelcontextprotocol", "sdk", "dist", "esm");

  it.each(SDK_TRIMS.map((t) => [t.importer, t.specifier]))(
    "the SDK's %s still imports %s (the stub still matches)",
    (importer, specifier) => {
      const source = readFileSync(path.join(sdk, importer), "utf8");
      expect(source).toMatch(new RegExp(`from ['"]${specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}['"]`));
    },
  );

  it("the SDK server's default validator is the stubbed one, so every McpServer of ours gets the lazy validator", () => {
    const source = readFileSync(path.join(sdk, "server", "index.js"), "utf8");
    expect(source).toContain("options?.jsonSchemaValidator ?? new AjvJsonSchemaValidator()");
    expect(readFileSync(path.join(ROOT, "src", "server", "createServer.ts"), "utf8")).toContain("jsonSchemaValidator: lazySchemaValidator");
  });

  it("the built server's start-up modules hold no library at all (no SDK, zod or dotenv); the server's, loaded after the handshake, neither ajv nor zod-to-json-schema", () => {
    const atStart = startFiles();
    expect(atStart).toContain("index.js");
    expect(packagesIn(atStart)).toEqual([]);
    const withServer = packagesIn(startFiles(fileHolding("src/server/createServer.ts")));
    expect(withServer).toContain("@modelcontextprotocol/sdk");
    expect(withServer).not.toContain("ajv");
    expect(withServer).not.toContain("zod-to-json-schema");
    expect(packagesIn()).toContain("ajv");
  });

  it.each(SDK_REWRITES.map((r) => [r.file, r.find]))("the SDK's %s still holds, exactly once, %j", (file, find) => {
    const source = readFileSync(path.join(sdk, file), "utf8");
    expect(source.split(find).length - 1).toBe(1);
    expect(() => rewriteSdkSource(file, source)).not.toThrow();
  });

  it("a rewrite that no longer finds its text stops the build, naming the patch", () => {
    expect(() => rewriteSdkSource("shared/protocol.js", "nothing of it")).toThrow(
      /scripts\/sdk-patches\.mjs: shared\/protocol\.js no longer holds/,
    );
  });

  it("the built server still withdraws a confirmation question when the client cancels the call, and changes nothing", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
    const { ElicitRequestSchema } = await import("@modelcontextprotocol/sdk/types.js");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [DIST_ENTRY],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off" },
      stderr: "pipe",
    });
    const client = new Client({ name: "c", version: "1" }, { capabilities: { elicitation: { form: {} } } });
    let asked: () => void = () => {};
    const question = new Promise<void>((resolve) => (asked = resolve));
    // The person never answers; the question stays open until the server withdraws it.
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked();
      return new Promise(() => {});
    });
    await client.connect(transport);
    // What the server sends, seen before the client handles it (the SDK client itself ignores a cancellation of request id 0).
    const received: { id?: unknown; method?: string; params?: { requestId?: unknown } }[] = [];
    const deliver = transport.onmessage!;
    transport.onmessage = (message) => {
      received.push(message as (typeof received)[number]);
      deliver(message);
    };
    try {
      const cancel = new AbortController();
      const call = client.callTool({ name: "delete_alt_url", arguments: { campaign_id: "2001", id: 4 } }, undefined, {
        signal: cancel.signal,
      });
      await question;
      cancel.abort("the person closed the dialog");
      await expect(call).rejects.toThrow(/the person closed the dialog/);
      const questionId = received.find((m) => m.method === "elicitation/create")!.id;
      await expect
        .poll(() => received.some((m) => m.method === "notifications/cancelled" && m.params?.requestId === questionId), { timeout: 10_000 })
        .toBe(true);
      const rows = await client.callTool({ name: "list_alt_urls", arguments: { campaign_id: "2001" } });
      const ids = (rows.structuredContent as { alt_urls: { id: number }[] }).alt_urls.map((r) => r.id);
      expect(ids).toContain(4);
    } finally {
      await client.close();
    }
  });
});
