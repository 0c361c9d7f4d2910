/**
 * The tool contract as clients see it in tools/list: every hint explicit,
 * every field described, an output schema that admits the error shape, and
 * a checked-in snapshot per tool so an accidental contract change shows in
 * review (update deliberately with `npx vitest run test/tools-contract -u`).
 */

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolOf } from "../src/server/handshake.js";
import { listingOf } from "../src/server/toolListing.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { type InProcess, inProcess } from "./helpers/harness.js";

const HINTS = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const;
const WRITE_TOOLS = [
  "set_alt_url",
  "enable_alt_url",
  "disable_alt_url",
  "delete_alt_url",
  "enable_alt_url_mode",
  "copy_alt_urls",
  "test_alt_url",
  "apply_alt_urls",
  "undo_change",
];

let env: InProcess;
let tools: Tool[];

beforeAll(async () => {
  env = await inProcess();
  tools = (await env.client.listTools()).tools;
});
afterAll(async () => env.close());

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  description?: string;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

describe("every tool", () => {
  it("is listed", () => {
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        "list_campaigns",
        "list_alt_urls",
        "set_alt_url",
        "enable_alt_url",
        "disable_alt_url",
        "delete_alt_url",
        "enable_alt_url_mode",
        "check_connection",
      ]),
    );
  });

  it("declares all four annotation hints explicitly", () => {
    for (const t of tools) {
      for (const h of HINTS) expect(typeof t.annotations?.[h], `${t.name}.${h}`).toBe("boolean");
    }
  });

  it("has hints that match what it does", () => {
    for (const t of tools) {
      const write = WRITE_TOOLS.includes(t.name);
      expect(t.annotations!.readOnlyHint, t.name).toBe(!write);
      if (!write) expect(t.annotations!.destructiveHint, t.name).toBe(false);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations!]));
    expect(byName.delete_alt_url!.destructiveHint).toBe(true);
    expect(byName.enable_alt_url_mode!.destructiveHint).toBe(true);
    expect(byName.set_alt_url!.idempotentHint).toBe(true);
  });

  it("has a description written for a newcomer and a description on every input field", () => {
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(80);
      const props = (t.inputSchema as JsonSchema).properties ?? {};
      for (const [name, p] of Object.entries(props)) expect(p.description, `${t.name}.${name}`).toBeTruthy();
    }
  });

  it("has an output schema that admits the error shape and the sandbox flag", () => {
    for (const t of tools) {
      const out = t.outputSchema as JsonSchema | undefined;
      expect(out, t.name).toBeDefined();
      expect(out!.properties!.sandbox, t.name).toBeDefined();
      expect(out!.properties!.error, t.name).toBeDefined();
      // Only `sandbox` is required: an error result carries no success field.
      expect(out!.required ?? [], t.name).toEqual(["sandbox"]);
    }
  });

  // The listing tools/list is built from (src/server/toolListing.ts): compacted schemas, shared shapes under definitions.
  it.each(ALL_TOOLS.map((t) => t.name))("%s matches its checked-in schema snapshot", async (name) => {
    const t = toolOf(listingOf(ALL_TOOLS.find((x) => x.name === name)!));
    const view = {
      name: t.name,
      title: t.title,
      description: t.description,
      annotations: t.annotations,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
    };
    await expect(JSON.stringify(view, null, 2) + "\n").toMatchFileSnapshot(`./__snapshots__/tools/${name}.json`);
  });

  it("tools/list serves exactly each tool's listing, so the snapshots are what clients get", () => {
    for (const def of ALL_TOOLS) expect(tools.find((t) => t.name === def.name)).toEqual(toolOf(listingOf(def)));
  });

  it("every tool has its own test file and schema snapshot file", () => {
    const testDir = path.dirname(fileURLToPath(import.meta.url));
    const missing = ALL_TOOLS.flatMap((t) => [
      ...(existsSync(path.join(testDir, "tools", `${t.name}.test.ts`)) ? [] : [`test/tools/${t.name}.test.ts`]),
      ...(existsSync(path.join(testDir, "__snapshots__", "tools", `${t.name}.json`)) ? [] : [`test/__snapshots__/tools/${t.name}.json`]),
    ]);
    expect(missing).toEqual([]);
  });
});

describe("read-only mode", () => {
  it("registers no write tool at all", async () => {
    const ro = await inProcess({ env: { VICIDIAL_READ_ONLY: "true" } });
    try {
      const names = (await ro.client.listTools()).tools.map((t) => t.name);
      for (const w of WRITE_TOOLS) expect(names).not.toContain(w);
      expect(names).toContain("list_alt_urls");
    } finally {
      await ro.close();
    }
  });
});
