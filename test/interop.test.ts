/**
 * Clients nobody here wrote: the MCP project's conformance suite against the
 * built --http server, and the MCP Inspector's CLI against the built stdio
 * server. Both run under Node 22 (installed from the npm registry into a
 * cache folder by scripts/node22-tools.mjs), so the first run downloads them.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/harness.js";

function runScript(name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", name)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("interoperability", () => {
  it("passes every applicable scenario of the official conformance suite", async () => {
    const r = await runScript("conformance.mjs");
    expect(r.code, r.output).toBe(0);
  }, 300_000);

  it("is accepted by the MCP Inspector's CLI", async () => {
    const r = await runScript("inspector-check.mjs");
    expect(r.code, r.output).toBe(0);
  }, 300_000);
});
