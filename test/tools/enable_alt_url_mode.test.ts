/** enable_alt_url_mode: switch a campaign's Dispo Call URL to ALT, keeping the old URL firing when given. */
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { listRows, requestsDuring } from "../helpers/toolCalls.js";
import { storedCampaign } from "../safety-helpers.js";

const OLD = "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--";

describe("enable_alt_url_mode", () => {
  let h: InProcess;
  const asked: string[] = [];
  async function start(answer?: ElicitResult, env: Record<string, string> = {}): Promise<InProcess> {
    asked.length = 0;
    const elicit = answer
      ? (m: string) => {
          asked.push(m);
          return answer;
        }
      : undefined;
    h = await inProcess({ env, ...(elicit ? { elicit } : {}) });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
    return h;
  }
  afterEach(() => h?.close());

  it("switches 2002 to ALT after the person agrees, and its old URL fires on every status as a new Alt URL", async () => {
    await start({ action: "accept", content: { confirm: true } });
    const r = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: OLD });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({
      action: "updated",
      campaign_id: "2002",
      preserved_alt_url: { url: OLD, statuses: ["---ALL---"], active: true, rank: 1 },
      change_id: expect.any(String),
    });
    expect(asked).toEqual([expect.stringContaining("Switch campaign 2002")]);
    expect(storedCampaign(h.sandbox, "2002").dispo_call_url).toBe("ALT");
    expect((await listRows(h.client, { campaign_id: "2002" })).map((x) => x.url)).toEqual([OLD]);
  });

  it("without preserve_url the switch happens with a warning that the old URL no longer fires", async () => {
    await start();
    const r = await call(h.client, "enable_alt_url_mode", { campaign_id: 2002 });
    expect(r.structured).toMatchObject({ action: "updated", preserved_alt_url: null });
    expect((r.structured.warnings as string[]).join(" ")).toMatch(/No preserve_url was given/);
  });

  it("a campaign already in ALT mode is left alone, and preserve_url is not added, saying why", async () => {
    await start({ action: "accept", content: { confirm: true } });
    const log = await requestsDuring(h.sandbox, async () => {
      const r = await call(h.client, "enable_alt_url_mode", { campaign_id: "2001", preserve_url: OLD });
      expect(r.structured).toMatchObject({ action: "unchanged", preserved_alt_url: null, change_id: null });
      expect((r.structured.warnings as string[]).join(" ")).toMatch(/preserve_url was not added: the campaign is already in ALT mode/);
    });
    expect(asked).toEqual([]);
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("dry run plans the switch and the preserved row; a decline changes nothing", async () => {
    await start({ action: "decline" });
    const before = h.sandbox.dump();
    const dry = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: OLD, dry_run: true });
    expect(dry.structured).toMatchObject({ action: "updated", dry_run: true });
    const planned = dry.structured.requests as { params: Record<string, string> }[];
    expect(planned.map((p) => p.params.function)).toEqual(["update_campaign", "update_alt_url"]);
    expect(planned[0]!.params.dispo_call_url).toBe("ALT");
    const declined = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: OLD });
    expect(declined.structured.error).toMatchObject({ code: "DECLINED" });
    expect(h.sandbox.dump()).toBe(before);
  });

  it("is for campaigns only: in-groups, unknown, disallowed and bad preserve_url values are refused before any write", async () => {
    await start(undefined, { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,2002,2009" });
    const before = h.sandbox.dump();
    const ingroup = await call(h.client, "enable_alt_url_mode", { campaign_id: "OVERFLOW", entry_type: "ingroup" });
    expect(ingroup.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "entry_type" });
    const unknown = await call(h.client, "enable_alt_url_mode", { campaign_id: "2009" });
    expect(unknown.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_FOUND" });
    const outside = await call(h.client, "enable_alt_url_mode", { campaign_id: "3001" });
    expect(outside.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_ALLOWED" });
    const fragment = await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: `${OLD}#top` });
    expect(fragment.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "preserve_url" });
    expect(fragment.structured.error!.fix).toContain(OLD);
    const pass = await call(h.client, "enable_alt_url_mode", {
      campaign_id: "2002",
      preserve_url: "https://x.example.com/?p=--A--pass--B--",
    });
    expect(pass.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "preserve_url" });
    expect(h.sandbox.dump()).toBe(before);
  });
});
