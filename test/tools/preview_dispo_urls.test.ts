import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/index.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

/** The default call centre plus one Alt URL on 2002, whose Dispo Call URL is not ALT. */
function seed() {
  const s = defaultSeed();
  s.vicidial_url_multi.push({
    url_id: 6,
    campaign_id: "2002",
    entry_type: "campaign",
    url_type: "dispo",
    active: "Y",
    url_rank: 1,
    url_statuses: "SALE",
    url_description: "Helpdesk CRM",
    url_lists: "",
    url_call_length: 0,
    url_address: "https://helpdesk.example.com/sale?lead=--A--lead_id--B--",
  });
  s.next_url_id = 7;
  return s;
}

const LEAD = { lead_id: 1001, phone_number: "3125550100", user: "6001", campaign: "2001" };

describe("preview_dispo_urls", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess({ sandbox: { seed: seed() } });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("is declared read-only with all four hints", async () => {
    const tool = (await h.client.listTools()).tools.find((t) => t.name === "preview_dispo_urls")!;
    expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(tool.outputSchema).toBeDefined();
  });

  it("lists what fires for SALE in rank order, filled from the sample lead, with conditions when list and talk time are unknown", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE", sample_lead: LEAD });
    expect(r.isError).toBe(false);
    expect(r.structured.alt_mode).toBe(true);
    const fires = r.structured.fires as { id: number; filled_url: string; conditions: string[]; missing_variables: string[] }[];
    expect(fires.map((f) => f.id)).toEqual([1, 2, 4]);
    expect(fires[0]!.filled_url).toBe("https://crm.example.com/vicidial/sale?lead_id=1001&phone=3125550100&agent=6001");
    expect(fires[1]!.conditions).toEqual(["only for lists 101 102", "only when talk time >= 30 s"]);
    expect(fires[1]!.filled_url).toBe("https://orders.example.com/api/vicidial?lead=1001&status=SALE&talk=");
    expect(fires[1]!.missing_variables).toEqual(["talk_time"]);
    const skipped = r.structured.skipped as { id: number; reason_code: string; reason: string }[];
    expect(skipped).toEqual([expect.objectContaining({ id: 3, reason_code: "inactive" })]);
    expect(r.text).toContain("VICIdial would fetch 3 URLs");
    expect(r.text).toContain("only for lists 101 102");
    expect(r.text).toContain("Alt URL 3 (rank 3): inactive");
  });

  it("skips the list-limited row for another list and the length-limited row for a short call", async () => {
    const other = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE", list_id: "103", talk_time: 45 });
    expect((other.structured.fires as { id: number }[]).map((f) => f.id)).toEqual([1, 4]);
    expect(other.structured.skipped).toContainEqual(expect.objectContaining({ id: 2, reason_code: "list_not_included" }));
    // Without a sample lead, the campaign variable is still the campaign's id, as VICIdial fills it.
    const log = (other.structured.fires as { id: number; filled_url: string; missing_variables: string[] }[]).find((f) => f.id === 4)!;
    expect(log.filled_url).toContain("campaign=2001&");
    expect(log.missing_variables).not.toContain("campaign");

    const short = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE", list_id: 101, talk_time: 10 });
    expect((short.structured.fires as { id: number }[]).map((f) => f.id)).toEqual([1, 4]);
    const two = (short.structured.skipped as { id: number; reason_code: string; reason: string }[]).find((s) => s.id === 2)!;
    expect(two.reason_code).toBe("call_too_short");
    expect(two.reason).toContain("10 s < minimum 30 s");

    const fits = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE", list_id: "101", talk_time: 30 });
    const row2 = (fits.structured.fires as { id: number; conditions: string[]; filled_url: string }[]).find((f) => f.id === 2)!;
    expect(row2.conditions).toEqual([]);
    expect(row2.filled_url).toContain("talk=30");
  });

  it("explains a status no row lists, and a case mismatch", async () => {
    const cb = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "CALLBK" });
    expect((cb.structured.fires as { id: number }[]).map((f) => f.id)).toEqual([4]);
    const reasons = Object.fromEntries((cb.structured.skipped as { id: number; reason_code: string }[]).map((s) => [s.id, s.reason_code]));
    expect(reasons).toEqual({ 1: "status_not_listed", 2: "status_not_listed", 3: "inactive" });

    const lower = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "sale" });
    const one = (lower.structured.skipped as { id: number; reason: string }[]).find((s) => s.id === 1)!;
    expect(one.reason).toContain("case-sensitive");
  });

  it("says prominently that NOTHING fires on a campaign that is not in ALT mode", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "2002", status: "SALE", sample_lead: LEAD });
    expect(r.isError).toBe(false);
    expect(r.structured.alt_mode).toBe(false);
    expect(r.structured.fires).toEqual([]);
    expect(r.structured.skipped).toEqual([expect.objectContaining({ id: 6, reason_code: "alt_mode_off" })]);
    expect(r.text.startsWith("NOTHING FIRES")).toBe(true);
    expect(r.text).toContain("enable_alt_url_mode");
    expect((r.structured.warnings as string[])[0]).toMatch(/^NOTHING FIRES/);
  });

  it("previews another status, and refuses a campaign outside VICIDIAL_ALLOWED_CAMPAIGNS", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "PSALE" });
    expect(r.structured.campaign_id).toBe("2001");
    expect((r.structured.fires as { id: number }[]).map((f) => f.id)).toEqual([2, 4]);

    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "3001" } });
    try {
      await limited.client.listTools();
      const refused = await call(limited.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE" });
      expect(refused.isError).toBe(true);
      expect(refused.structured.error?.code).toBe("CAMPAIGN_NOT_ALLOWED");
    } finally {
      await limited.close();
    }
  });

  it("refuses a malformed status with INVALID_INPUT naming it", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "2001", status: "SALE PSALE" });
    expect(r.isError).toBe(true);
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "status" });
  });

  it("an in-group in ALT mode previews its own rows (read through the admin page)", async () => {
    const r = await call(h.client, "preview_dispo_urls", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      status: "SALE",
      sample_lead: LEAD,
    });
    expect(r.structured).toMatchObject({
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      alt_mode: true,
      rows_from: "in-group SALESLINE",
    });
    expect((r.structured.fires as { id: number }[]).map((f) => f.id)).toEqual([101]);
    expect(r.structured.skipped).toEqual([expect.objectContaining({ id: 102, reason_code: "inactive" })]);
  });

  it("an in-group not in ALT mode says what the answer depends on, and shows the agent's campaign's rows when given", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "OVERFLOW", entry_type: "ingroup", status: "SALE" });
    expect(r.structured).toMatchObject({ alt_mode: false, rows_from: null, fires: [] });
    expect(r.structured.depends_on).toMatch(/agent_campaign_id/);
    const camp = await call(h.client, "preview_dispo_urls", {
      campaign_id: "OVERFLOW",
      entry_type: "ingroup",
      status: "SALE",
      agent_campaign_id: "2001",
    });
    expect(camp.structured.rows_from).toBe("campaign 2001");
    const fires = camp.structured.fires as { id: number; conditions: string[] }[];
    expect(fires.map((f) => f.id)).toEqual([1, 2, 4]);
    expect(fires[0]!.conditions[0]).toBe("only if OVERFLOW's Dispo Call URL is CAMP");
  });

  it("takes only campaigns and in-groups (a list has no dispo URLs)", async () => {
    const r = await call(h.client, "preview_dispo_urls", { campaign_id: "101", entry_type: "list", status: "SALE" });
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "entry_type" });
  });
});
