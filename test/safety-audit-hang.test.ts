/**
 * Issue 8 item 8: an audit log on a file system that hangs never stalls a
 * write tool. A FIFO with no reader stands in for it (opening it for
 * appending blocks until someone reads). Each append is bounded in time
 * (2 s); the write goes ahead, its result carries a warning that the audit
 * line could not be written, and stderr says so. While an append hangs no
 * other is started (each would hold one of Node's file-system threads).
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call, type Spawned, spawnStdio } from "./helpers/harness.js";
import { storedRows } from "./safety-helpers.js";

const hasMkfifo = process.platform !== "win32" && spawnSync("mkfifo", ["--version"]).status === 0;

describe.skipIf(!hasMkfifo)("an audit log that hangs (a FIFO nobody reads)", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  let dir: string;
  let fifo: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "audit-hang-"));
    fifo = path.join(dir, "audit.jsonl");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    sandbox = await startSandbox();
    srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234", VICIDIAL_AUDIT_LOG: fifo });
  });
  afterAll(async () => {
    // A reader releases the appends still blocked in the server's file-system threads.
    const reader = createReadStream(fifo);
    reader.on("error", () => {});
    reader.resume();
    await srv.close();
    reader.destroy();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a write tool still answers, done, with a warning that its audit line was not written, and stderr says so", async () => {
    const started = Date.now();
    const r = await call(srv.client, "set_alt_url", { campaign_id: "2001", statuses: ["FIFO"], url: "https://crm.example.com/fifo" });
    const tookMs = Date.now() - started;
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.action).toBe("created");
    expect(storedRows(sandbox, "2001").some((x) => x.url_statuses === "FIFO")).toBe(true);
    const warnings = r.structured.warnings as string[];
    expect(
      warnings.some((w) => /^The audit log could not be written: .*did not finish within 2000 ms/.test(w)),
      warnings.join("\n"),
    ).toBe(true);
    expect(r.text).toMatch(/audit log could not be written/);
    expect(srv.stderr()).toMatch(/could not write the audit log .*audit\.jsonl/);
    // Bounded: the intent and outcome appends wait at most 2 s each (a generous ceiling for a busy machine).
    expect(tookMs).toBeLessThan(20_000);
  });

  it("while the first append hangs, later writes are not held up (their lines are reported unwritten at once), and check_connection names the problem", async () => {
    const r = await call(srv.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(r.structured.action).toBe("updated");
    expect((r.structured.warnings as string[]).join(" ")).toMatch(/audit log could not be written: .*an earlier append has not finished/);
    const check = await call(srv.client, "check_connection");
    const audit = (check.structured.checks as { name: string; ok: boolean; detail: string }[]).find((c) => c.name === "audit log")!;
    expect(audit).toMatchObject({ ok: false, detail: expect.stringMatching(/an earlier append has not finished after 2000 ms/) });
  });
});
