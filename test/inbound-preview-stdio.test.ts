/**
 * preview_dispo_urls as facts §11 says, over stdio against the sandbox, each
 * case held against the sandbox's own firing simulator (what VICIdial's agent
 * screen would queue for the same call): in-group rows, CAMP with and without
 * the agent's campaign, an empty in-group dispo URL, talk minus dead time, a
 * scheduled callback as CBHOLD, and one-after-another order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, type FireDispositionInput, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call, type Spawned, spawnStdio } from "./helpers/harness.js";
import { dispoRow } from "./safety-helpers.js";

interface Fires {
  id: number;
  conditions: string[];
}
interface Preview {
  alt_mode: boolean | null;
  rows_from: string | null;
  depends_on: string | null;
  matched_status: string;
  fires: Fires[];
  skipped: { id: number; reason_code: string }[];
  warnings: string[];
}

const LEAD = { lead_id: 4242, list_id: 101 };

describe("preview_dispo_urls follows VICIdial's firing (facts §11)", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  beforeAll(async () => {
    const seed = defaultSeed();
    // A row for scheduled callbacks, which the agent screen sends as CBHOLD.
    seed.vicidial_url_multi.push(
      dispoRow({
        url_id: 70,
        campaign_id: "2001",
        url_rank: 5,
        url_statuses: "CBHOLD",
        url_address: "https://calendar.example.com/cb?l=--A--lead_id--B--",
      }),
    );
    seed.next_url_id = 71;
    sandbox = await startSandbox({ seed });
    srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234" });
    await srv.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(async () => {
    await srv.close();
    await sandbox.close();
  });

  async function preview(args: Record<string, unknown>): Promise<Preview> {
    const r = await call(srv.client, "preview_dispo_urls", args);
    expect(r.isError, r.text).toBe(false);
    return r.structured as unknown as Preview;
  }

  /** The Alt URL ids the sandbox queues for this call, in the order it fetches them. */
  async function fired(
    input: Omit<FireDispositionInput, "lead" | "browser_fetches"> & { lead?: FireDispositionInput["lead"] },
  ): Promise<(number | null)[]> {
    const r = await sandbox.fireDisposition({ lead: LEAD, browser_fetches: false, ...input });
    return r.queued.map((q) => q.url_id);
  }

  it("an in-group in ALT mode fires its own rows, never its campaign's", async () => {
    const p = await preview({ campaign_id: "SALESLINE", entry_type: "ingroup", status: "SALE", list_id: 101, talk_time: 45 });
    expect(p).toMatchObject({ alt_mode: true, rows_from: "in-group SALESLINE", depends_on: null });
    expect(p.fires.map((f) => f.id)).toEqual([101]);
    expect(await fired({ campaign_id: "2001", ingroup_id: "SALESLINE", status: "SALE", talk_sec: 45 })).toEqual([101]);
  });

  it("an in-group set to CAMP: without agent_campaign_id the answer says what it depends on; with it, the campaign's rows fire", async () => {
    const unsure = await preview({ campaign_id: "OVERFLOW", entry_type: "ingroup", status: "SALE" });
    expect(unsure).toMatchObject({ alt_mode: false, rows_from: null, fires: [] });
    expect(unsure.depends_on).toMatch(/If it is CAMP, inbound calls use the agent's campaign's setting/);
    expect(unsure.depends_on).toMatch(/Give agent_campaign_id/);

    const p = await preview({
      campaign_id: "OVERFLOW",
      entry_type: "ingroup",
      status: "SALE",
      agent_campaign_id: "2001",
      list_id: 101,
      talk_time: 45,
    });
    expect(p.rows_from).toBe("campaign 2001");
    expect(p.fires.every((f) => f.conditions[0] === "only if OVERFLOW's Dispo Call URL is CAMP")).toBe(true);
    const simulated = await fired({ campaign_id: "2001", ingroup_id: "OVERFLOW", status: "SALE", talk_sec: 45 });
    expect(p.fires.map((f) => f.id)).toEqual(simulated);
    expect(simulated).toEqual([1, 2, 4]);
  });

  it("an in-group with an empty dispo URL (SUPPORT_IN) fires nothing, and the answer says an empty setting fires nothing", async () => {
    const p = await preview({ campaign_id: "SUPPORT_IN", entry_type: "ingroup", status: "SALE" });
    expect(p).toMatchObject({ alt_mode: false, fires: [] });
    expect(p.depends_on).toMatch(/if it is empty, nothing fires at all/);
    expect(await fired({ campaign_id: "2001", ingroup_id: "SUPPORT_IN", status: "SALE", talk_sec: 45 })).toEqual([]);
  });

  it("compares talk time minus dead time with the minimum length, as VICIdial does", async () => {
    // Row 2 needs 30 s: 45 talk with 20 dead is 25 s (skipped); with 10 dead it is 35 s (fires).
    const short = await preview({ campaign_id: "2001", status: "SALE", list_id: 101, talk_time: 45, dead_time: 20 });
    expect(short.skipped).toContainEqual(expect.objectContaining({ id: 2, reason_code: "call_too_short" }));
    expect(short.fires.map((f) => f.id)).toEqual(await fired({ campaign_id: "2001", status: "SALE", talk_sec: 45, dead_sec: 20 }));
    const long = await preview({ campaign_id: "2001", status: "SALE", list_id: 101, talk_time: 45, dead_time: 10 });
    expect(long.fires.map((f) => f.id)).toEqual([1, 2, 4]);
    expect(long.fires.map((f) => f.id)).toEqual(await fired({ campaign_id: "2001", status: "SALE", talk_sec: 45, dead_sec: 10 }));
  });

  it("a scheduled callback is matched as CBHOLD, not as the status the agent picked", async () => {
    const p = await preview({ campaign_id: "2001", status: "CALLBK", scheduled_callback: true, list_id: 101, talk_time: 50 });
    expect(p.matched_status).toBe("CBHOLD");
    expect(p.fires.map((f) => f.id)).toEqual([4, 70]);
    expect(p.fires.map((f) => f.id)).toEqual(await fired({ campaign_id: "2001", status: "CALLBK", callback: true, talk_sec: 50 }));
    // Without the flag the preview says the agent screen would send CBHOLD.
    const plain = await preview({ campaign_id: "2001", status: "CALLBK" });
    expect(plain.warnings.join(" ")).toMatch(/sends CBHOLD rather than CALLBK/);
  });

  it("fires are in VICIdial's fetch order, and the answer says they run one after another", async () => {
    const p = await preview({ campaign_id: "2001", status: "SALE", list_id: 102, talk_time: 60 });
    expect(p.fires.map((f) => f.id)).toEqual(
      await fired({ campaign_id: "2001", status: "SALE", lead: { lead_id: 1, list_id: 102 }, talk_sec: 60 }),
    );
    expect(p.fires.length).toBeGreaterThan(1);
    expect(p.warnings.join(" ")).toMatch(/one after another .* a slow or hanging target delays every row after it/);
  });
});
