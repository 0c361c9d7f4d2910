/** export_alt_urls: the live rows as a document plan and apply take as it is. */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/index.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";

interface Entry {
  campaign_id: string;
  entry_type: string;
  url_type: string;
  prune: boolean;
  alt_urls: { statuses: string[] }[];
}

describe("export_alt_urls", () => {
  let h: InProcess;
  afterEach(() => h?.close());

  it("without entries: the dispo rows of every campaign the user may see, within VICIDIAL_ALLOWED_CAMPAIGNS", async () => {
    h = await inProcess({ env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,2002" } });
    await h.client.listTools();
    const out = await call(h.client, "export_alt_urls");
    expect(out.isError, out.text).toBe(false);
    const entries = out.structured.entries as Entry[];
    expect(entries.map((e) => [e.campaign_id, e.url_type, e.prune, e.alt_urls.length])).toEqual([
      ["2001", "dispo", false, 4],
      ["2002", "dispo", false, 0],
    ]);
    expect(out.structured.document).toContain('campaign_id: "2001"');
    expect(out.text).toContain("```yaml");
    // The document is accepted as it is, and is in sync.
    const plan = await call(h.client, "plan_alt_urls", { document: out.structured.document });
    expect(plan.structured.in_sync).toBe(true);
  });

  it("leaves out a campaign row the API cannot write (say why), and writes prune: true when asked", async () => {
    const seed = defaultSeed();
    seed.vicidial_url_multi.push({
      url_id: 50,
      campaign_id: "3001",
      entry_type: "campaign",
      url_type: "dispo",
      active: "N",
      url_rank: 2,
      url_statuses: "NO_ANSWER",
      url_description: "set on the admin page",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://crm.example.com/na",
    });
    seed.next_url_id = 200;
    h = await inProcess({ sandbox: { seed } });
    const out = await call(h.client, "export_alt_urls", { entries: [{ campaign_id: 3001 }], prune: true });
    const entries = out.structured.entries as Entry[];
    expect(entries[0]!.alt_urls.map((r) => r.statuses)).toEqual([["SALE", "RETAIN"]]);
    expect(entries[0]!.prune).toBe(true);
    expect((out.structured.warnings as string[]).join()).toMatch(/Alt URL 50 .*left out.*NO_ANSWER.*prune: true would delete it/);
  });

  it("exports in-groups and lists by entry_type and url_type, and names the entry that cannot be read", async () => {
    h = await inProcess();
    const out = await call(h.client, "export_alt_urls", {
      entries: [
        { campaign_id: "salesline", entry_type: "ingroup", url_type: "addlead" },
        { campaign_id: "101", entry_type: "list", url_type: "noagent" },
      ],
    });
    expect((out.structured.entries as Entry[]).map((e) => [e.campaign_id, e.entry_type, e.url_type, e.alt_urls.length])).toEqual([
      ["SALESLINE", "ingroup", "addlead", 1],
      ["101", "list", "noagent", 1],
    ]);
    const missing = await call(h.client, "export_alt_urls", { entries: [{ campaign_id: "2001" }, { campaign_id: "9999" }] });
    expect(missing.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_FOUND", field: "entries[1].campaign_id" });
    const wrongType = await call(h.client, "export_alt_urls", { entries: [{ campaign_id: "101", entry_type: "list" }] });
    expect(wrongType.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "entries[0].url_type" });
    expect(wrongType.structured.error!.fix).toContain("noagent");
  });
});
