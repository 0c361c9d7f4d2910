/** disable_alt_url: switch one row off, every setting kept, on a campaign, in-group or list. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { adminActions, listRows, requestsDuring } from "../helpers/toolCalls.js";

describe("disable_alt_url", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("switches a campaign row off, keeping every other field; a second call sends nothing", async () => {
    const before = (await listRows(h.client, { campaign_id: "2001" })).find((r) => r.id === 2)!;
    const r = await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 2 });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({
      action: "updated",
      alt_url: { ...before, active: false },
      changes: { active: { before: true, after: false } },
    });
    expect(r.text).toMatch(/^Disabled Alt URL 2/);
    const log = await requestsDuring(h.sandbox, async () => {
      const again = await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 2 });
      expect(again.structured.action).toBe("unchanged");
      expect(again.text).toMatch(/already inactive; nothing was sent/);
    });
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("switches an in-group row and a list row off through the admin page's MODIFY", async () => {
    const log = await requestsDuring(h.sandbox, async () => {
      const g = await call(h.client, "disable_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 101 });
      expect(g.structured).toMatchObject({ action: "updated", alt_url: { id: 101, entry_type: "ingroup", active: false } });
      const l = await call(h.client, "disable_alt_url", { campaign_id: "101", entry_type: "list", url_type: "noagent", id: 104 });
      expect(l.structured).toMatchObject({ action: "updated", alt_url: { id: 104, entry_type: "list", active: false } });
    });
    expect(adminActions(log).filter((a) => a.startsWith("URL_MULTI"))).toEqual(["URL_MULTI_MODIFY:101", "URL_MULTI_MODIFY:104"]);
    expect((await listRows(h.client, { campaign_id: "101", entry_type: "list", url_type: "noagent" }))[0]!.active).toBe(false);
  });

  it("every write of an addlead row, off or on, carries the warning that VICIdial never fires it", async () => {
    const args = { campaign_id: "SALESLINE", entry_type: "ingroup", url_type: "addlead", id: 103 };
    const off = await call(h.client, "disable_alt_url", args);
    expect(off.structured).toMatchObject({ action: "updated", warnings: [expect.stringMatching(/addlead Alt URLs are stored/)] });
    const on = await call(h.client, "enable_alt_url", args);
    expect((on.structured.warnings as string[]).join(" ")).toMatch(/never reads them/);
  });

  it("refuses an id of another entry or type, a wrong URL type and an entry outside VICIDIAL_ALLOWED_CAMPAIGNS", async () => {
    const other = await call(h.client, "disable_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 103 });
    expect(other.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND" });
    const type = await call(h.client, "disable_alt_url", { campaign_id: "101", entry_type: "list", url_type: "dispo", id: 104 });
    expect(type.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url_type" });
    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "2001" } });
    try {
      const r = await call(limited.client, "disable_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 101 });
      expect(r.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_ALLOWED" });
    } finally {
      await limited.close();
    }
  });
});
