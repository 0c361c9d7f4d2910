/** enable_alt_url: switch one row on, on a campaign, in-group or list; a row made live meets the URL policy. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, type SandboxSeed } from "../../src/sandbox/index.js";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { listRows, requestsDuring } from "../helpers/toolCalls.js";
import { dispoRow } from "../safety-helpers.js";

/** The default call centre plus two paused rows on 2001 whose stored URLs break the policy below. */
function seed(): SandboxSeed {
  const s = defaultSeed();
  s.vicidial_url_multi.push(
    dispoRow({
      url_id: 60,
      campaign_id: "2001",
      active: "N",
      url_rank: 6,
      url_statuses: "PLAIN",
      url_address: "http://crm.example.com/plain?l=--A--lead_id--B--",
    }),
    dispoRow({
      url_id: 61,
      campaign_id: "2001",
      active: "N",
      url_rank: 7,
      url_statuses: "AWAY",
      url_address: "https://elsewhere.example.net/hook",
    }),
  );
  s.next_url_id = 62;
  return s;
}

/** The policy of VICIDIAL_REQUIRE_HTTPS=true and VICIDIAL_ALLOWED_URL_HOSTS=crm.example.com. */
const POLICY = { VICIDIAL_REQUIRE_HTTPS: "true", VICIDIAL_ALLOWED_URL_HOSTS: "crm.example.com" };

describe("enable_alt_url", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess({ sandbox: { seed: seed() } });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(() => h.close());

  it("switches a paused campaign row on, read back as active; a second call sends nothing", async () => {
    const r = await call(h.client, "enable_alt_url", { campaign_id: "2001", id: 3 });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({
      action: "updated",
      alt_url: { id: 3, active: true },
      changes: { active: { before: false, after: true } },
    });
    expect(r.text).toMatch(/^Enabled Alt URL 3/);
    const log = await requestsDuring(h.sandbox, async () => {
      const again = await call(h.client, "enable_alt_url", { campaign_id: "2001", id: 3 });
      expect(again.structured).toMatchObject({ action: "unchanged", changes: {}, change_id: null });
    });
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("switches an in-group row on through the admin page, every other field kept", async () => {
    const before = (await listRows(h.client, { campaign_id: "SALESLINE", entry_type: "ingroup" })).find((r) => r.id === 102)!;
    const r = await call(h.client, "enable_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 102 });
    expect(r.structured).toMatchObject({ action: "updated", alt_url: { ...before, active: true } });
  });

  it("dry run plans the change and sends nothing", async () => {
    await call(h.client, "disable_alt_url", { campaign_id: "101", entry_type: "list", url_type: "noagent", id: 104 });
    const log = await requestsDuring(h.sandbox, async () => {
      const r = await call(h.client, "enable_alt_url", {
        campaign_id: "101",
        entry_type: "list",
        url_type: "noagent",
        id: 104,
        dry_run: true,
      });
      expect(r.structured).toMatchObject({ action: "updated", dry_run: true, alt_url: { id: 104, active: false } });
      expect((r.structured.requests as { params: Record<string, string> }[])[0]!.params).toMatchObject({
        action: "URL_MULTI_MODIFY",
        active: "Y",
      });
    });
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("an id that is not this entry's is ALT_URL_NOT_FOUND with the ids it has", async () => {
    const r = await call(h.client, "enable_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 3 });
    expect(r.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND", field: "id" });
    expect(r.structured.error!.fix).toMatch(/list_alt_urls/);
  });

  it("a stored URL that breaks VICIDIAL_REQUIRE_HTTPS or VICIDIAL_ALLOWED_URL_HOSTS is refused with set_alt_url's own error, nothing sent", async () => {
    const strict = await inProcess({ useSandbox: h.sandbox, env: POLICY });
    try {
      await strict.client.listTools();
      const cases = [
        { id: 60, url: "http://crm.example.com/plain?l=--A--lead_id--B--", statuses: ["PLAIN"], why: /require https/ },
        { id: 61, url: "https://elsewhere.example.net/hook", statuses: ["AWAY"], why: /VICIDIAL_ALLOWED_URL_HOSTS/ },
      ];
      for (const c of cases) {
        const log = await requestsDuring(h.sandbox, async () => {
          const on = await call(strict.client, "enable_alt_url", { campaign_id: "2001", id: c.id });
          const set = await call(strict.client, "set_alt_url", {
            campaign_id: "2001",
            id: c.id,
            statuses: c.statuses,
            url: c.url,
            active: true,
          });
          expect(on.structured.error).toMatchObject({ code: "INVALID_INPUT" });
          expect(on.structured.error!.message).toMatch(c.why);
          // The same words and fix as set_alt_url gives for that URL (only the field named differs: the row's id).
          const words = (m: string) => m.replace(/^[a-z_]+: /, "");
          expect(words(on.structured.error!.message)).toBe(words(set.structured.error!.message));
          expect(on.structured.error!.fix).toBe(set.structured.error!.fix);
        });
        expect(log.filter(isWriteRequest)).toEqual([]);
      }
      // Switching such a row off is always allowed.
      const off = await call(strict.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
      expect(off.structured.action).toBe("updated");
    } finally {
      await strict.close();
    }
  });
});
