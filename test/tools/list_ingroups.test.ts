/** list_ingroups: the active in-groups the API user may see (VICIdial's ingroup_list). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

describe("list_ingroups", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("lists the active in-groups in id order with their names; the inactive OLDLINE is left out", async () => {
    const r = await call(h.client, "list_ingroups");
    expect(r.isError).toBe(false);
    expect(r.structured.ingroups).toEqual([
      { id: "OVERFLOW", name: "Overflow to campaign URLs" },
      { id: "SALESLINE", name: "Inbound sales" },
      { id: "SUPPORT_IN", name: "Support line" },
    ]);
    expect(r.text).toContain("| SALESLINE | Inbound sales |");
    expect(r.text).not.toContain("OLDLINE");
  });

  it("an id it lists works as campaign_id with entry_type ingroup", async () => {
    const ids = ((await call(h.client, "list_ingroups")).structured.ingroups as { id: string }[]).map((g) => g.id);
    const rows = await call(h.client, "list_alt_urls", { campaign_id: ids[1]!, entry_type: "ingroup" });
    expect(rows.structured).toMatchObject({ campaign_id: "SALESLINE", entry_type: "ingroup" });
  });

  it("keeps to the user group's admin viewable groups and to VICIDIAL_ALLOWED_CAMPAIGNS", async () => {
    const sales = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_USER: "sales", VICIDIAL_PASS: "salespass" } });
    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,SALESLINE" } });
    const none = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001" } });
    try {
      const ids = async (c: InProcess) =>
        ((await call(c.client, "list_ingroups")).structured.ingroups as { id: string }[]).map((g) => g.id);
      // SUPPORT_IN belongs to the ADMIN group, which SALESTEAM may not view.
      expect(await ids(sales)).toEqual(["OVERFLOW", "SALESLINE"]);
      expect(await ids(limited)).toEqual(["SALESLINE"]);
      const empty = await call(none.client, "list_ingroups");
      expect(empty.structured.ingroups).toEqual([]);
      expect(empty.text).toMatch(/No active in-groups visible .*VICIDIAL_ALLOWED_CAMPAIGNS/);
    } finally {
      await Promise.all([sales.close(), limited.close(), none.close()]);
    }
  });

  it("a user whose API Allowed Functions lack ingroup_list gets PERMISSION_DENIED with the fix", async () => {
    const least = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "apipass8" } });
    try {
      const r = await call(least.client, "list_ingroups");
      expect(r.isError).toBe(true);
      expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
      expect(r.structured.error!.vicidial_response).toContain("ingroup_list");
      expect(r.structured.error!.fix).toMatch(/API Allowed Functions/);
      // The in-groups are still reachable by id, with a warning that the spelling was not confirmed.
      const rows = await call(least.client, "list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" });
      expect(rows.isError).toBe(false);
      expect((rows.structured.warnings as string[]).join(" ")).toMatch(/ingroup_list/);
    } finally {
      await least.close();
    }
  });

  it("refuses arguments it does not take", async () => {
    const r = await call(h.client, "list_ingroups", { group_id: "SALESLINE" });
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "group_id" });
  });
});
