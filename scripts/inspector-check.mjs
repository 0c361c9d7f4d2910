#!/usr/bin/env node
/**
 * `npm run inspector-check`: a client nobody here wrote, the MCP Inspector
 * in CLI mode (@modelcontextprotocol/inspector --cli, under Node 22), drives
 * the built stdio server: tools/list must show our tools and a tools/call of
 * list_campaigns must return the sandbox's campaigns. The server runs in a
 * scratch folder so no .env can point it at a real VICIdial.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { binEntry, ensureTools, PINNED, ROOT, run } from "./node22-tools.mjs";

const ENTRY = path.join(ROOT, "dist", "index.js");
const EXPECTED_TOOLS = [
  "list_campaigns",
  "list_alt_urls",
  "set_alt_url",
  "enable_alt_url",
  "disable_alt_url",
  "delete_alt_url",
  "enable_alt_url_mode",
  "check_connection",
];

function inspector(node, launcher, scratch, methodArgs) {
  const args = [launcher, "--cli", process.execPath, ENTRY, "-e", "VICIDIAL_AUDIT_LOG=off", "--cwd", scratch, ...methodArgs];
  // The catalog file is the Inspector's own state: keep it out of the user's home.
  // No VICIDIAL_* from the caller's shell either: this check runs on the sandbox only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VICIDIAL_") && k !== "MCP_HTTP_TOKEN"));
  const r = run(node, args, {
    cwd: scratch,
    timeoutMs: 120_000,
    env: { ...env, MCP_CATALOG_PATH: path.join(scratch, "inspector-catalog.json") },
  });
  if (r.code !== 0) throw new Error(`inspector ${methodArgs.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`inspector ${methodArgs.join(" ")} printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

async function main() {
  if (!existsSync(ENTRY)) throw new Error("dist/index.js is missing: run `npm run build` first");
  const started = Date.now();
  const { node, dir } = ensureTools(["inspector"]);
  const launcher = binEntry(dir, "inspector", "mcp-inspector");
  const scratch = mkdtempSync(path.join(os.tmpdir(), "mcp-inspector-"));
  const problems = [];
  try {
    const listed = inspector(node, launcher, scratch, ["--method", "tools/list"]);
    const names = (listed.tools ?? []).map((t) => t.name);
    const missing = EXPECTED_TOOLS.filter((n) => !names.includes(n));
    if (missing.length) problems.push(`tools/list lacks ${missing.join(", ")} (got ${names.join(", ") || "nothing"})`);
    const called = inspector(node, launcher, scratch, ["--method", "tools/call", "--tool-name", "list_campaigns"]);
    const campaigns = called.structuredContent?.campaigns ?? [];
    const ids = campaigns.map((c) => c.id);
    if (called.isError) problems.push(`list_campaigns returned an error: ${JSON.stringify(called.content)}`);
    if (called.structuredContent?.sandbox !== true) problems.push("list_campaigns did not say sandbox: true");
    for (const id of ["2001", "2002", "3001"])
      if (!ids.includes(id)) problems.push(`list_campaigns lacks campaign ${id} (got ${ids.join(", ") || "none"})`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `MCP Inspector ${PINNED.inspector.version} (CLI mode) against the stdio server:\n` +
        `  tools/list: ${names.length} tools (${names.join(", ")})\n` +
        `  tools/call list_campaigns: ${ids.length} campaigns (${ids.join(", ")})\n` +
        (problems.length ? problems.map((p) => `  FAIL ${p}`).join("\n") + "\n" : `  PASS (${seconds} s)\n`),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`inspector-check: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
