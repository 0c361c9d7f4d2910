/**
 * `doctor`: the built CLI against a sandbox this test starts. A checklist for
 * a person with a fix beside each problem, exit 0 only when all is well, and
 * never the password, nor a failed admin login for a user below level 8.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { runCli } from "./helpers/harness.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

function doctor(user: string, pass: string, extra: Record<string, string> = {}) {
  return runCli(["doctor"], { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: user, VICIDIAL_PASS: pass, ...extra });
}

/** Lines of the checklist, by check name. */
function checklist(stdout: string): Map<string, { ok: boolean; line: string; fix?: string }> {
  const lines = stdout.split("\n");
  const out = new Map<string, { ok: boolean; line: string; fix?: string }>();
  lines.forEach((line, i) => {
    const m = /^\[(ok|FAIL)\]\s+([^:]+):/.exec(line);
    if (!m) return;
    const next = lines[i + 1] ?? "";
    out.set(m[2]!, { ok: m[1] === "ok", line, fix: /^\s+fix: /.test(next) ? next.trim() : undefined });
  });
  return out;
}

describe("doctor", () => {
  it("passes every check for the full admin user 6666 and exits 0", async () => {
    const r = await doctor("6666", "sandbox1234");
    expect(r.code, r.stderr).toBe(0);
    const checks = checklist(r.stdout);
    for (const name of [
      "version",
      "login",
      "campaigns_list right",
      "allowed campaigns",
      "update_alt_url right",
      "update_campaign right",
      "admin page (deletes, in-groups, lists)",
      "ALT mode",
      "URL Log Report right (list_url_deliveries)",
    ]) {
      expect(checks.get(name)?.ok, `${name} in\n${r.stdout}`).toBe(true);
    }
    expect([...checks.values()].every((c) => c.ok)).toBe(true);
    expect(r.stdout).toMatch(/VICIdial 2\.14/);
    expect(r.stdout).toMatch(/2001, 2002, 3001/);
    expect(r.stdout).toMatch(/All \d+ checks passed/);
    // A real VICIdial was configured: no sandbox note.
    expect(r.stdout).not.toContain("embedded sandbox");
  });

  it("fails for a level-7 user with a fix, without probing the admin page (a 401 there counts as a failed login)", async () => {
    const before = sandbox.stats().failedLogins.apilow ?? 0;
    const r = await doctor("apilow", "lowpass1");
    expect(r.code).toBe(1);
    const failed = [...checklist(r.stdout).entries()].filter(([, c]) => !c.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const [name, c] of failed) expect(c.fix, `fix for ${name}`).toMatch(/fix: .*\S/);
    expect(r.stdout).toMatch(/checks failed: apply each fix above/);
    expect(sandbox.stats().failedLogins.apilow ?? 0).toBe(before);
    expect(sandbox.stats().log.some((rec) => rec.path.includes("admin_url_multi") && rec.basicUser === "apilow")).toBe(false);
    expect(r.stdout + r.stderr).not.toContain("lowpass1");
  });

  it("fails for a group without the URL Log Report with the Allowed Reports fix, costing no failed login", async () => {
    const r = await doctor("rptlimit", "rptlimit1");
    expect(r.code).toBe(1);
    const checks = checklist(r.stdout);
    const report = checks.get("URL Log Report right (list_url_deliveries)");
    expect(report?.ok).toBe(false);
    expect(report?.line).toContain("PERMISSION_DENIED");
    expect(report?.fix).toMatch(/Allowed Reports/);
    // Everything else this level-8 user needs is there.
    expect([...checks.entries()].filter(([, c]) => !c.ok).map(([n]) => n)).toEqual(["URL Log Report right (list_url_deliveries)"]);
    expect(sandbox.stats().failedLogins.rptlimit ?? 0).toBe(0);
  });

  it("fails on a wrong password with the login fix, and never prints the password", async () => {
    const wrong = "Wr0ngPassZq7";
    const r = await doctor("6666", wrong);
    expect(r.code).toBe(1);
    const login = checklist(r.stdout).get("login");
    expect(login?.ok).toBe(false);
    expect(login?.line).toContain("AUTH_FAILED");
    expect(login?.fix).toMatch(/VICIDIAL_PASS/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
    // One failed login, not one per check: the client stops after the first refusal.
    expect(sandbox.stats().failedLogins["6666"]).toBe(1);
    sandbox.resetFailedLogins("6666");
  });

  it("keeps the password out even when it holds characters VICIdial strips (configuration warning)", async () => {
    const pass = "12-34_x!";
    const r = await doctor("6666", pass);
    expect(r.stdout + r.stderr).not.toContain(pass);
    const config = checklist(r.stdout).get("configuration");
    expect(config?.ok).toBe(false);
    expect(r.code).toBe(1);
    sandbox.resetFailedLogins("6666");
  });

  it("notes the embedded sandbox when no VICIDIAL_URL is set", async () => {
    const r = await runCli(["doctor"], {});
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("embedded sandbox");
  });
});
