/** set_alt_url: create or update one Alt URL of a campaign (the API), an in-group or a list (the admin page). */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type SandboxSeed } from "../../src/sandbox/index.js";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { adminActions, listRows, requestsDuring } from "../helpers/toolCalls.js";

const URL = "https://crm.example.com/hook?lead=--A--lead_id--B--";

/** The default call centre plus a second row for SALE RETAIN on 3001, so that status set is ambiguous there. */
function seed(): SandboxSeed {
  const s = defaultSeed();
  s.vicidial_url_multi.push({ ...s.vicidial_url_multi.find((r) => r.url_id === 5)!, url_id: 50, url_statuses: "RETAIN SALE", url_rank: 2 });
  s.next_url_id = 51;
  return s;
}

describe("set_alt_url", () => {
  let h: InProcess;
  async function start(): Promise<InProcess> {
    h = await inProcess({ sandbox: { seed: seed() } });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
    return h;
  }
  afterEach(() => h?.close());

  it("on a campaign: creates an active row, updates only the fields given, and sends nothing when all is as asked", async () => {
    await start();
    const created = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["NI", "DNC"], url: URL, rank: 5 });
    expect(created.isError).toBe(false);
    expect(created.structured).toMatchObject({ action: "created", dry_run: false, reconciled: false });
    const row = created.structured.alt_url as { id: number };
    expect(created.structured.alt_url).toMatchObject({ entry_type: "campaign", active: true, rank: 5, statuses: ["NI", "DNC"], url: URL });
    expect(created.structured.change_id).toEqual(expect.any(String));

    const updated = await call(h.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["DNC", "NI"],
      url: URL,
      description: "not interested",
    });
    expect(updated.structured).toMatchObject({ action: "updated", alt_url: { id: row.id, rank: 5, description: "not interested" } });
    expect(updated.structured.changes).toEqual({ description: { before: "", after: "not interested" } });

    const writes = await requestsDuring(h.sandbox, async () => {
      const same = await call(h.client, "set_alt_url", { campaign_id: "2001", id: row.id, statuses: ["NI", "DNC"], url: URL });
      expect(same.structured).toMatchObject({ action: "unchanged", changes: {}, change_id: null });
      expect(same.text).toMatch(/already matches; nothing was sent/);
    });
    expect(writes.filter(isWriteRequest)).toEqual([]);
  });

  it("on an in-group: NEW then MODIFY for lists and minimum length, read back as stored; an update carries every field", async () => {
    await start();
    let created!: Awaited<ReturnType<typeof call>>;
    const log = await requestsDuring(h.sandbox, async () => {
      created = await call(h.client, "set_alt_url", {
        campaign_id: "SALESLINE",
        entry_type: "ingroup",
        statuses: ["NI"],
        url: URL,
        description: "Inbound not interested",
        lists: ["101"],
        min_call_length: 20,
      });
    });
    expect(created.structured.action).toBe("created");
    const id = (created.structured.alt_url as { id: number }).id;
    expect(created.structured.alt_url).toMatchObject({ entry_type: "ingroup", lists: ["101"], min_call_length: 20, active: true });
    // The listing before, NEW (which prints no id), MODIFY of the id learnt from NEW's listing, then the read-back.
    expect(adminActions(log)).toEqual(["LIST", "URL_MULTI_NEW", `URL_MULTI_MODIFY:${id}`, "LIST"]);

    const upd = await requestsDuring(h.sandbox, async () => {
      const r = await call(h.client, "set_alt_url", {
        campaign_id: "SALESLINE",
        entry_type: "ingroup",
        id,
        statuses: ["NI"],
        url: `${URL}&v=2`,
      });
      expect(r.structured).toMatchObject({ action: "updated", changes: { url: { before: URL, after: `${URL}&v=2` } } });
    });
    const modify = new Map(upd.find((r) => new Map(r.params).get("action") === "URL_MULTI_MODIFY")!.params);
    for (const f of ["active", "url_rank", "url_statuses", "url_lists", "url_call_length", "url_description", "url_address"])
      expect(modify.has(f), f).toBe(true);
    expect(modify.get("url_lists")).toBe("101");
    const rows = await listRows(h.client, { campaign_id: "SALESLINE", entry_type: "ingroup" });
    expect(rows.find((r) => r.id === id)).toMatchObject({ lists: ["101"], min_call_length: 20, url: `${URL}&v=2` });
  });

  it("on a list: a noagent row, described by its statuses when no description is given", async () => {
    await start();
    const r = await call(h.client, "set_alt_url", {
      campaign_id: "101",
      entry_type: "list",
      url_type: "noagent",
      statuses: ["DROP"],
      url: URL,
    });
    expect(r.structured).toMatchObject({ action: "created", alt_url: { entry_type: "list", url_type: "noagent", description: "DROP" } });
    const rows = await listRows(h.client, { campaign_id: "101", entry_type: "list", url_type: "noagent" });
    expect(rows.map((x) => x.statuses)).toEqual([["---ALL---"], ["DROP"]]);
  });

  it("an addlead row is written with the warning that VICIdial never fires it", async () => {
    await start();
    const r = await call(h.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "addlead",
      statuses: ["NEW"],
      url: URL,
      description: "new lead",
    });
    expect(r.structured.action).toBe("created");
    expect((r.structured.warnings as string[]).join(" ")).toMatch(/addlead Alt URLs are stored, but VICIdial 2.14 never reads them/);
  });

  it("dry run on an in-group shows the NEW and the MODIFY with the password masked, and sends nothing", async () => {
    await start();
    const log = await requestsDuring(h.sandbox, async () => {
      const r = await call(h.client, "set_alt_url", {
        campaign_id: "SALESLINE",
        entry_type: "ingroup",
        statuses: ["NI"],
        url: URL,
        description: "x",
        min_call_length: 9,
        dry_run: true,
      });
      expect(r.structured).toMatchObject({ action: "created", dry_run: true, alt_url: null, change_id: null });
      const planned = r.structured.requests as { endpoint: string; params: Record<string, string>; url: string }[];
      expect(planned.map((p) => p.params.action)).toEqual(["URL_MULTI_NEW", "URL_MULTI_MODIFY"]);
      expect(planned.every((p) => p.endpoint === "/vicidial/admin_url_multi.php" && !p.url.includes("sandbox1234"))).toBe(true);
    });
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("refuses an entry not in ALT mode for the type, with the screen to change (or the tool, for a campaign)", async () => {
    await start();
    const camp = await call(h.client, "set_alt_url", { campaign_id: "2002", statuses: ["SALE"], url: URL });
    expect(camp.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(camp.structured.error!.fix).toMatch(/enable_alt_url_mode/);
    const ingroup = await call(h.client, "set_alt_url", {
      campaign_id: "OVERFLOW",
      entry_type: "ingroup",
      statuses: ["SALE"],
      url: URL,
      description: "x",
    });
    expect(ingroup.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(ingroup.structured.error!.fix).toMatch(/cannot switch in-groups or lists to ALT/);
    const start2 = await call(h.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "start",
      statuses: ["SALE"],
      url: URL,
      description: "x",
    });
    expect(start2.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(start2.structured.error!.fix).toMatch(/Start Call URL/);
  });

  it("a stale id, a status set held by two rows, and bad values are refused before anything is written", async () => {
    await start();
    const before = h.sandbox.dump();
    const stale = await call(h.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      id: 1,
      statuses: ["X"],
      url: URL,
    });
    expect(stale.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND", field: "id" });
    expect(stale.structured.error!.cause).toMatch(/101, 102/);
    const twice = await call(h.client, "set_alt_url", { campaign_id: "3001", statuses: ["SALE", "RETAIN"], url: URL });
    expect(twice.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "id" });
    expect(twice.structured.error!.fix).toMatch(/5, 50/);
    const bad: [Record<string, unknown>, string][] = [
      [{ campaign_id: "SALESLINE", entry_type: "ingroup", statuses: ["NI"], url: URL, description: "" }, "description"],
      [{ campaign_id: "SALESLINE", entry_type: "ingroup", statuses: ["NI"], url: "crm.example.com/x" }, "url"],
      [{ campaign_id: "2001", statuses: ["NI"], url: URL, rank: 40000 }, "rank"],
      [{ campaign_id: "2001", statuses: ["NI", "---ALL---"], url: URL }, "statuses"],
      [{ campaign_id: "2001", statuses: ["NI"], url: URL, lists: ["10a"] }, "lists"],
      [{ campaign_id: "101", entry_type: "list", statuses: ["NI"], url: URL }, "url_type"],
      [{ campaign_id: "2001", statuses: ["NI"], url: "https://crm.example.com/x?p=--A--pass--B--" }, "url"],
    ];
    for (const [args, field] of bad) {
      const r = await call(h.client, "set_alt_url", args);
      expect(r.structured.error, JSON.stringify(args)).toMatchObject({ code: "INVALID_INPUT", field });
      expect(r.structured.error!.fix.length).toBeGreaterThan(5);
    }
    expect(h.sandbox.dump()).toBe(before);
  });
});
