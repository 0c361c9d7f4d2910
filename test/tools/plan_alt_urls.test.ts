/** plan_alt_urls: what an apply would do, reading one listing per named entry and writing nothing. */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/index.js";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

const doc = (...lines: string[]) => ["version: 1", "entries:", ...lines].join("\n");

describe("plan_alt_urls", () => {
  let h: InProcess;
  afterEach(() => h?.close());

  it("reads each named entry once, never an entry it does not name, and writes nothing", async () => {
    h = await inProcess();
    await h.client.listTools();
    h.sandbox.resetStats();
    const plan = await call(h.client, "plan_alt_urls", {
      document: doc(
        "  - campaign_id: '2001'",
        "    alt_urls: [{statuses: [NI], url: 'https://crm.example.com/ni'}]",
        "  - {campaign_id: SALESLINE, entry_type: ingroup, alt_urls: []}",
      ),
    });
    expect(plan.isError, plan.text).toBe(false);
    const log = h.sandbox.stats().log;
    const listings = log.filter((r) => r.params.some(([k, v]) => k === "alt_url_id" && v === "LIST") || r.path.includes("admin_url_multi"));
    expect(listings).toHaveLength(2);
    expect(log.some((r) => r.params.some(([, v]) => v === "3001"))).toBe(false);
    expect(log.filter(isWriteRequest)).toEqual([]);
    expect(plan.structured.summary).toEqual({ create: 1, update: 0, delete: 0, unchanged: 0 });
    expect(plan.structured.entries).toMatchObject([
      { campaign_id: "2001", ok: true, live_rows: 4, unlisted: 4 },
      { campaign_id: "SALESLINE", ok: true, live_rows: 2, unlisted: 2 },
    ]);
    expect(plan.text).toContain("+ create [NI] https://crm.example.com/ni");
    expect(plan.text).toContain("4 rows not in the document left as they are (prune: false)");
  });

  it("gives the same plan_id for the same document and rows, and another when either changes", async () => {
    h = await inProcess();
    const document = doc("  - {campaign_id: '3001', alt_urls: [{statuses: [SALE, RETAIN], url: 'https://r.example.com/'}]}");
    const a = await call(h.client, "plan_alt_urls", { document });
    const b = await call(h.client, "plan_alt_urls", { document: `${document}\n# a comment changes nothing` });
    expect(b.structured.plan_id).toBe(a.structured.plan_id);
    const c = await call(h.client, "plan_alt_urls", { document: document.replace("r.example.com", "s.example.com") });
    expect(c.structured.plan_id).not.toBe(a.structured.plan_id);
    await call(h.client, "disable_alt_url", { campaign_id: "3001", id: 5 });
    const d = await call(h.client, "plan_alt_urls", { document });
    expect(d.structured.plan_id).not.toBe(a.structured.plan_id);
    expect((d.structured.changes as { fields: object }[])[0]!.fields).toMatchObject({
      url: { after: "https://r.example.com/" },
      active: { before: false, after: true },
    });
  });

  it("reports an entry it cannot read or match beside the others; fails the call when none can be read", async () => {
    const seed = defaultSeed();
    const row = { ...seed.vicidial_url_multi[4]!, url_id: 60 };
    seed.vicidial_url_multi.push(row); // campaign 3001 now has two rows for SALE RETAIN
    seed.next_url_id = 200;
    h = await inProcess({ sandbox: { seed } });
    const plan = await call(h.client, "plan_alt_urls", {
      document: doc(
        "  - {campaign_id: '3001', alt_urls: [{statuses: [RETAIN, SALE], url: 'https://r.example.com/'}]}",
        "  - {campaign_id: '9999', alt_urls: []}",
        "  - {campaign_id: '2001', alt_urls: []}",
      ),
    });
    expect(plan.isError, plan.text).toBe(false);
    expect(plan.structured.in_sync).toBe(false);
    const entries = plan.structured.entries as { ok: boolean; error: { code: string; fix: string } | null }[];
    expect(entries.map((e) => [e.ok, e.error?.code ?? null])).toEqual([
      [false, "INVALID_INPUT"],
      [false, "CAMPAIGN_NOT_FOUND"],
      [true, null],
    ]);
    expect(entries[0]!.error!.fix).toContain("5, 60");
    expect(plan.text).toContain("ERROR CAMPAIGN_NOT_FOUND");

    const none = await call(h.client, "plan_alt_urls", { document: doc("  - {campaign_id: '9999', alt_urls: []}") });
    expect(none.isError).toBe(true);
    expect(none.structured.error!.code).toBe("CAMPAIGN_NOT_FOUND");
    expect(none.structured.entries).toHaveLength(1);
  });
});
