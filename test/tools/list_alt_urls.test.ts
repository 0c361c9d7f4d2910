/** list_alt_urls: one campaign's, in-group's or list's Alt URLs of one type, in rank order. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { listRows } from "../helpers/toolCalls.js";

describe("list_alt_urls", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("a campaign's dispo rows in rank order, as the contract's Alt URL and as a table", async () => {
    const r = await call(h.client, "list_alt_urls", { campaign_id: "2001" });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({ campaign_id: "2001", entry_type: "campaign", url_type: "dispo", warnings: [] });
    const rows = r.structured.alt_urls as { id: number; rank: number }[];
    expect(rows.map((x) => x.id)).toEqual([1, 2, 3, 4]);
    expect(rows[1]).toEqual({
      id: 2,
      campaign_id: "2001",
      url_type: "dispo",
      entry_type: "campaign",
      active: true,
      rank: 2,
      statuses: ["SALE", "PSALE"],
      all_statuses: false,
      description: "Order system, lists 101 and 102 only",
      lists: ["101", "102"],
      min_call_length: 30,
      url: "https://orders.example.com/api/vicidial?lead=--A--lead_id--B--&status=--A--dispo--B--&talk=--A--talk_time--B--",
    });
    expect(r.text).toContain("| id | active | rank | statuses | lists | min length | url |");
  });

  it("an in-group's rows through the admin page, its dispo and addlead types apart", async () => {
    const dispo = await listRows(h.client, { campaign_id: "SALESLINE", entry_type: "ingroup" });
    expect(dispo.map((r) => [r.id, r.entry_type, r.active, r.statuses])).toEqual([
      [101, "ingroup", true, ["SALE", "PSALE"]],
      [102, "ingroup", false, ["---ALL---"]],
    ]);
    const addlead = await listRows(h.client, { campaign_id: "SALESLINE", entry_type: "ingroup", url_type: "addlead" });
    expect(addlead.map((r) => r.id)).toEqual([103]);
  });

  it("a list's noagent rows; a list id may be a number and an in-group id any case, answered as VICIdial spells it", async () => {
    const list = await call(h.client, "list_alt_urls", { campaign_id: 101, entry_type: "list", url_type: "noagent" });
    expect(list.structured).toMatchObject({ campaign_id: "101", entry_type: "list", url_type: "noagent" });
    expect((list.structured.alt_urls as { id: number }[]).map((r) => r.id)).toEqual([104]);
    const lower = await call(h.client, "list_alt_urls", { campaign_id: "salesline", entry_type: "ingroup" });
    expect(lower.structured.campaign_id).toBe("SALESLINE");
    const num = await call(h.client, "list_alt_urls", { campaign_id: 2001 });
    expect(num.structured.campaign_id).toBe("2001");
  });

  it("a campaign's rows are listed even when it is not in ALT mode; an in-group or list must be", async () => {
    expect((await call(h.client, "list_alt_urls", { campaign_id: "2002" })).isError).toBe(false);
    const camp = await call(h.client, "list_alt_urls", { campaign_id: "OVERFLOW", entry_type: "ingroup" });
    expect(camp.structured.error).toMatchObject({ code: "ALT_MODE_OFF", field: "campaign_id" });
    expect(camp.structured.error!.fix).toMatch(/Inbound > Show In-Groups/);
    expect(camp.structured.error!.cause).toMatch(/CAMP/);
    const list = await call(h.client, "list_alt_urls", { campaign_id: "102", entry_type: "list", url_type: "noagent" });
    expect(list.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(list.structured.error!.fix).toMatch(/Lists > Show Lists/);
  });

  it("an id that is no such entry is CAMPAIGN_NOT_FOUND naming the entry type and where to look", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ campaign_id: "9999" }, /list_campaigns/],
      [{ campaign_id: "NOSUCH", entry_type: "ingroup" }, /list_ingroups/],
      [{ campaign_id: "999", entry_type: "list", url_type: "noagent" }, /Show Lists/],
    ];
    for (const [args, fix] of cases) {
      const r = await call(h.client, "list_alt_urls", args);
      expect(r.structured.error, JSON.stringify(args)).toMatchObject({ code: "CAMPAIGN_NOT_FOUND" });
      expect(r.structured.error!.fix).toMatch(fix);
    }
  });

  it("refuses URL types an entry type has not, ids of the wrong form and the tutorial's id names, sending nothing", async () => {
    const before = h.sandbox.stats().requests;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ campaign_id: "101", entry_type: "list" }, "url_type", /noagent/],
      [{ campaign_id: "2001", url_type: "addlead" }, "url_type", /in-groups also addlead/],
      [{ campaign_id: "1A", entry_type: "list", url_type: "noagent" }, "campaign_id", /1001/],
      [{ campaign_id: "TOOLONGCAMPAIGN" }, "campaign_id", /2001/],
      [{ ingroup_id: "SALESLINE" }, "ingroup_id", /campaign_id with entry_type "ingroup"/],
      [{ group_id: "SALESLINE" }, "group_id", /campaign_id with entry_type "ingroup"/],
      [{ list_id: "101" }, "list_id", /campaign_id with entry_type "list"/],
    ];
    for (const [args, field, fix] of cases) {
      const r = await call(h.client, "list_alt_urls", args);
      expect(r.structured.error, JSON.stringify(args)).toMatchObject({ code: "INVALID_INPUT", field });
      expect(r.structured.error!.fix).toMatch(fix);
    }
    expect(h.sandbox.stats().requests).toBe(before);
  });

  it("VICIDIAL_ALLOWED_CAMPAIGNS applies to in-group and list ids too, before any request", async () => {
    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001" } });
    try {
      const before = h.sandbox.stats().requests;
      for (const args of [
        { campaign_id: "SALESLINE", entry_type: "ingroup" },
        { campaign_id: "101", entry_type: "list", url_type: "noagent" },
      ]) {
        const r = await call(limited.client, "list_alt_urls", args);
        expect(r.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_ALLOWED", field: "campaign_id" });
      }
      expect(h.sandbox.stats().requests).toBe(before);
    } finally {
      await limited.close();
    }
  });
});
