/**
 * The SDK internals this server relies on (src/server/sdkInternals.ts) are
 * still there and still behave as assumed. When an SDK update breaks one,
 * this fails with the name of the internal, before any client notices.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { SDK_TRIMS } from "../scripts/sdk-trim.mjs";
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

describe("what the build leaves out of the start-up code (scripts/sdk-trim.mjs)", () => {
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

  it("the built server's start-up modules hold neither ajv nor zod-to-json-schema; ajv is in a chunk of its own", () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, "utf8").matchAll(/^import\s+(?:[^"']*?from\s+)?["'](\.[^"']+)["']/gm))
        walk(path.resolve(path.dirname(file), m[1]!));
    };
    walk(DIST_ENTRY);
    const startCode = [...seen].map((f) => readFileSync(f, "utf8")).join("\n");
    expect(startCode).toContain("node_modules/@modelcontextprotocol/sdk/dist/esm/server/index.js");
    expect(startCode).not.toContain("node_modules/ajv/");
    expect(startCode).not.toContain("node_modules/zod-to-json-schema/");
    const chunks = readdirSync(path.join(path.dirname(DIST_ENTRY), "chunks")).filter((f) => f.endsWith(".js"));
    expect(chunks.some((f) => readFileSync(path.join(path.dirname(DIST_ENTRY), "chunks", f), "utf8").includes("node_modules/ajv/"))).toBe(
      true,
    );
  });
});
