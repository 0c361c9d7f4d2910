/**
 * Who the audit says made a change the CLI applied (issue 11): the built
 * CLI's `apply`, run against a sandbox with VICIDIAL_AUDIT_LOG set to a file,
 * records every write as tool apply_alt_urls and actor `cli:<login>`, the
 * operating-system user who ran it (as the README says), on the API path
 * (a campaign) and the admin-page path (an in-group) alike.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { runCli } from "./helpers/harness.js";

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), "cli-actor-"));
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

const DOC = [
  "version: 1",
  "entries:",
  '  - campaign_id: "3001"',
  "    alt_urls:",
  '      - {statuses: [ACTOR], url: "https://crm.example.com/actor", description: "CLI row"}',
  "  - campaign_id: SALESLINE",
  "    entry_type: ingroup",
  "    alt_urls:",
  '      - {statuses: [ACTOR], url: "https://crm.example.com/in-actor", description: "CLI row"}',
  "",
].join("\n");

interface AuditLine {
  change_id: string;
  tool: string;
  actor: string;
  campaign_id: string;
  entry_type: string;
  action: string;
  result: string;
}

describe("the CLI's apply in the audit log", () => {
  it("records every write it makes with actor cli:<login of the user who ran it> and tool apply_alt_urls", async () => {
    const doc = path.join(dir, "hooks.yaml");
    const audit = path.join(dir, "audit.jsonl");
    writeFileSync(doc, DOC);
    const env = { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234", VICIDIAL_AUDIT_LOG: audit };
    const applied = await runCli(["apply", doc, "--yes"], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/2 created/);

    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditLine);
    // An intent and an outcome per created row, on both ways into VICIdial (entries apply side by side: any order).
    expect(lines.map((l) => [l.campaign_id, l.entry_type, l.action, l.result]).sort()).toEqual([
      ["3001", "campaign", "created", "OK"],
      ["3001", "campaign", "created", "PENDING"],
      ["SALESLINE", "ingroup", "created", "OK"],
      ["SALESLINE", "ingroup", "created", "PENDING"],
    ]);
    const actor = `cli:${os.userInfo().username}`;
    for (const l of lines) expect(l).toMatchObject({ tool: "apply_alt_urls", actor });
    // Never the MCP actors, nor VICIdial's user in place of the person.
    expect(lines.some((l) => ["stdio", "token", "anonymous", "cli:6666"].includes(l.actor))).toBe(false);
  });
});
