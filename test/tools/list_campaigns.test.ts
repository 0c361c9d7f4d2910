/** list_campaigns: the campaigns the API user may see, filtered by VICIDIAL_ALLOWED_CAMPAIGNS. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

describe("list_campaigns", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("lists every visible campaign with its name, active flag and dial method, as a table too", async () => {
    const r = await call(h.client, "list_campaigns");
    expect(r.isError).toBe(false);
    expect(r.structured.campaigns).toEqual([
      { id: "2001", name: "Outbound Sales", active: true, dial_method: "RATIO" },
      { id: "2002", name: "Customer Care", active: true, dial_method: "INBOUND_MAN" },
      { id: "3001", name: "Retention West", active: true, dial_method: "ADAPT_AVERAGE" },
    ]);
    expect(r.text).toContain("| id | name | active | dial method |");
    expect(r.text).toContain("| 2002 | Customer Care | yes | INBOUND_MAN |");
  });

  it("shows only what the user's group may see, and only what VICIDIAL_ALLOWED_CAMPAIGNS allows", async () => {
    const sales = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_USER: "sales", VICIDIAL_PASS: "salespass" } });
    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "3001,9999" } });
    const none = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "9999" } });
    try {
      const ids = async (c: InProcess) =>
        ((await call(c.client, "list_campaigns")).structured.campaigns as { id: string }[]).map((x) => x.id);
      expect(await ids(sales)).toEqual(["2001", "2002"]);
      expect(await ids(limited)).toEqual(["3001"]);
      const empty = await call(none.client, "list_campaigns");
      expect(empty.structured.campaigns).toEqual([]);
      expect(empty.text).toMatch(/No campaigns visible .*VICIDIAL_ALLOWED_CAMPAIGNS/);
    } finally {
      await Promise.all([sales.close(), limited.close(), none.close()]);
    }
  });

  it("a user without View Reports gets PERMISSION_DENIED naming the setting", async () => {
    const noapi = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_USER: "noapi", VICIDIAL_PASS: "noapi1234" } });
    try {
      const r = await call(noapi.client, "list_campaigns");
      expect(r.isError).toBe(true);
      expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
      expect(r.structured.error!.fix).toMatch(/View Reports/);
    } finally {
      await noapi.close();
    }
  });

  it("a wrong password is AUTH_FAILED with the fix, and costs one failed login", async () => {
    const wrong = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "not-it-8" } });
    try {
      const first = await call(wrong.client, "list_campaigns");
      const second = await call(wrong.client, "list_campaigns");
      for (const r of [first, second]) {
        expect(r.structured.error).toMatchObject({ code: "AUTH_FAILED" });
        expect(r.structured.error!.fix).toMatch(/VICIDIAL_PASS/);
      }
      expect(h.sandbox.stats().failedLogins.apiuser).toBe(1);
    } finally {
      await wrong.close();
      h.sandbox.resetFailedLogins("apiuser");
    }
  });

  it("refuses an unknown system or argument with INVALID_INPUT, sending nothing", async () => {
    const before = h.sandbox.stats().requests;
    const sys = await call(h.client, "list_campaigns", { system: "west" });
    expect(sys.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "system" });
    expect(sys.structured.error!.fix).toContain("default");
    const extra = await call(h.client, "list_campaigns", { campaign_id: "2001" });
    expect(extra.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "campaign_id" });
    expect(h.sandbox.stats().requests).toBe(before);
  });
});
