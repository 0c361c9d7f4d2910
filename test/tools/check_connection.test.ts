/** check_connection: version, login, each right, the admin page and in-groups, ALT mode; a fix beside every problem. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const ADMIN = "admin page (deletes, in-groups, lists)";

describe("check_connection", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  async function checksAs(
    env: Record<string, string>,
  ): Promise<{ ok: boolean; checks: Record<string, Check>; raw: Record<string, unknown> }> {
    const other = await inProcess({ useSandbox: h.sandbox, env });
    try {
      await other.client.listTools();
      const r = await call(other.client, "check_connection");
      expect(r.isError).toBe(false);
      const checks = Object.fromEntries((r.structured.checks as Check[]).map((c) => [c.name, c]));
      return { ok: r.structured.ok as boolean, checks, raw: r.structured };
    } finally {
      await other.close();
    }
  }

  it("passes every check for the full admin user, says in-groups and lists can be managed, and which campaigns are ALT", async () => {
    const r = await call(h.client, "check_connection");
    expect(r.structured).toMatchObject({ ok: true, user: "6666", version: expect.stringMatching(/^2\.14/) });
    const checks = r.structured.checks as Check[];
    expect(checks.every((c) => c.ok)).toBe(true);
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName[ADMIN]!.detail).toMatch(/in-group and list Alt URLs can be managed/);
    expect(byName["in-groups"]!.detail).toBe("3 active in-group(s) visible: OVERFLOW, SALESLINE, SUPPORT_IN");
    expect(r.structured.alt_mode).toEqual([
      { campaign_id: "2001", alt: true },
      { campaign_id: "2002", alt: false },
      { campaign_id: "3001", alt: true },
    ]);
    expect(r.text).toMatch(/^\[ok\] +in-groups: 3 active/m);
  });

  it("changes nothing at VICIdial", async () => {
    const before = h.sandbox.dump();
    await call(h.client, "check_connection");
    expect(h.sandbox.dump()).toBe(before);
  });

  it("a level-7 user: the rights fail with the fix, and the admin page is never probed (no failed login)", async () => {
    const before = h.sandbox.stats().failedLogins.apilow ?? 0;
    const { ok, checks } = await checksAs({ VICIDIAL_USER: "apilow", VICIDIAL_PASS: "lowpass1" });
    expect(ok).toBe(false);
    expect(checks.login!.ok).toBe(true);
    expect(checks["campaigns_list right"]).toMatchObject({ ok: false, fix: expect.stringMatching(/User Level 8/) });
    // Nothing past the API's refusal: neither the admin page nor the in-groups are reported as reachable.
    expect(checks[ADMIN]?.ok ?? false).toBe(false);
    expect(checks["in-groups"]).toBeUndefined();
    expect(h.sandbox.stats().failedLogins.apilow ?? 0).toBe(before);
  });

  it("the least-rights user: all passes, and it says list_ingroups needs one more API function", async () => {
    const { ok, checks } = await checksAs({ VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "apipass8" });
    expect(ok).toBe(true);
    expect(checks["in-groups"]!.detail).toMatch(/can be managed by id, but list_ingroups does not work: PERMISSION_DENIED/);
    expect(checks["in-groups"]!.fix).toMatch(/API Allowed Functions/);
  });

  it("a wrong password fails the login check with the fix, after one failed login", async () => {
    const { ok, checks } = await checksAs({ VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "wrong-pass" });
    expect(ok).toBe(false);
    expect(checks.login!.detail).toMatch(/^AUTH_FAILED: /);
    expect(checks.login!.fix).toMatch(/VICIDIAL_PASS/);
    expect(h.sandbox.stats().failedLogins.apiuser).toBe(1);
    h.sandbox.resetFailedLogins("apiuser");
  });

  it("read-only mode does not check update_campaign (nothing will be switched); VICIDIAL_ALLOWED_CAMPAIGNS narrows what it reports", async () => {
    const { checks, raw } = await checksAs({ VICIDIAL_READ_ONLY: "true", VICIDIAL_ALLOWED_CAMPAIGNS: "3001,SALESLINE" });
    expect(checks["update_campaign right"]).toBeUndefined();
    expect(checks["allowed campaigns"]!.detail).toBe("3001");
    expect(checks["in-groups"]!.detail).toBe("1 active in-group(s) visible: SALESLINE");
    expect(raw.alt_mode).toEqual([{ campaign_id: "3001", alt: true }]);
  });
});
