/**
 * Guarantee 1 (issue 3): dry_run on every write tool validates, reads the
 * current state and returns the exact requests (password masked) and the
 * changes, sending no write: the sandbox's data is byte-identical after.
 * Each dry run's plan is then compared with what the real call sends.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../src/tools/index.js";
import type { InProcess } from "./helpers/harness.js";
import { call } from "./helpers/harness.js";
import { API_USER, dispoRow, open, SECRET, safetySeed, storedRows, writeRequests } from "./safety-helpers.js";

interface Planned {
  method: string;
  endpoint: string;
  params: Record<string, string>;
  url: string;
}

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Dry-run the tool, check nothing was written, and hand back its plan. */
async function dryRun(tool: string, args: Record<string, unknown>) {
  const before = h!.sandbox.dump();
  h!.sandbox.resetStats();
  const r = await call(h!.client, tool, { ...args, dry_run: true });
  expect(r.isError, r.text).toBe(false);
  expect(r.structured.dry_run).toBe(true);
  expect(h!.sandbox.dump()).toBe(before);
  expect(writeRequests(h!.sandbox)).toEqual([]);
  expect(JSON.stringify(r.structured)).not.toContain(SECRET);
  expect(r.text).not.toContain(SECRET);
  const requests = r.structured.requests as Planned[];
  for (const req of requests) {
    expect(req.method).toBe("GET");
    const u = new URL(req.url);
    expect(u.pathname).toBe(req.endpoint);
    if (req.endpoint.endsWith("/non_agent_api.php")) {
      expect(req.params.pass).toBe("***");
      expect(req.params.user).toBe(API_USER);
      expect(u.searchParams.get("pass")).toBe("***");
    } else {
      // The admin page authenticates with Basic auth: no credential in the URL at all.
      expect(req.params).not.toHaveProperty("pass");
    }
    // The URL carries exactly the listed params, in order.
    expect([...u.searchParams]).toEqual(Object.entries(req.params));
  }
  return { result: r, requests };
}

/** Run the same call for real and compare the writes sent with the plan (the sandbox logs pass as ***). */
async function realWritesMatch(tool: string, args: Record<string, unknown>, planned: Planned[]) {
  h!.sandbox.resetStats();
  const r = await call(h!.client, tool, args);
  expect(r.isError, r.text).toBe(false);
  const sent = writeRequests(h!.sandbox);
  expect(sent.map((w) => ({ endpoint: w.path, params: Object.fromEntries(w.params) }))).toEqual(
    planned.map((p) => ({ endpoint: p.endpoint, params: p.params })),
  );
  return r;
}

describe("dry_run sends nothing and shows the exact requests", () => {
  it("set_alt_url, new row: the planned NEW request, its changes, and the same request sent for real", async () => {
    h = await open();
    const args = {
      campaign_id: "2001",
      statuses: ["DRYNEW"],
      url: "https://crm.example.com/hook?n=(1)&lead=--A--lead_id--B--",
      rank: 7,
      description: "Dry run",
      lists: ["101"],
      min_call_length: 12,
    };
    const { result, requests } = await dryRun("set_alt_url", args);
    expect(result.structured.action).toBe("created");
    expect(result.structured.alt_url).toBeNull();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.endpoint).toBe("/vicidial/non_agent_api.php");
    expect(requests[0]!.params).toEqual({
      source: "mcpalturl",
      user: API_USER,
      pass: "***",
      function: "update_alt_url",
      campaign_id: "2001",
      entry_type: "campaign",
      url_type: "dispo",
      alt_url_id: "NEW",
      active: "Y",
      url_rank: "7",
      url_statuses: "DRYNEW",
      url_description: "Dry run",
      url_lists: "101",
      url_call_length: "12",
      url_address: "https://crm.example.com/hook?n=%281%29&lead=--A--lead_id--B--",
    });
    expect(result.structured.changes).toMatchObject({
      url: { before: null, after: "https://crm.example.com/hook?n=%281%29&lead=--A--lead_id--B--" },
      statuses: { before: null, after: ["DRYNEW"] },
      active: { before: null, after: true },
      rank: { before: null, after: 7 },
    });
    const real = await realWritesMatch("set_alt_url", args, requests);
    expect(real.structured.action).toBe("created");
  });

  it("set_alt_url, existing row: only the changed fields, with before and after", async () => {
    h = await open();
    const args = { campaign_id: "2001", id: 2, statuses: ["SALE", "PSALE"], url: "https://orders.example.com/api/v2", description: "" };
    const { result, requests } = await dryRun("set_alt_url", args);
    expect(result.structured.action).toBe("updated");
    expect((result.structured.alt_url as { id: number }).id).toBe(2);
    expect(requests.map((r) => r.params)).toEqual([
      {
        source: "mcpalturl",
        user: API_USER,
        pass: "***",
        function: "update_alt_url",
        campaign_id: "2001",
        entry_type: "campaign",
        url_type: "dispo",
        alt_url_id: "2",
        url_description: "--BLANK--",
        url_address: "https://orders.example.com/api/v2",
      },
    ]);
    expect(result.structured.changes).toEqual({
      url: {
        before: "https://orders.example.com/api/vicidial?lead=--A--lead_id--B--&status=--A--dispo--B--&talk=--A--talk_time--B--",
        after: "https://orders.example.com/api/v2",
      },
      description: { before: "Order system, lists 101 and 102 only", after: "" },
    });
    await realWritesMatch("set_alt_url", args, requests);
  });

  it("set_alt_url with nothing to change plans no request", async () => {
    h = await open();
    const { result, requests } = await dryRun("set_alt_url", {
      campaign_id: "2001",
      id: 3,
      statuses: ["CALLBK"],
      url: "https://calendar.example.com/callback?lead=--A--lead_id--B--&when=--A--callback_datetime--B--&agent=--A--user--B--",
    });
    expect(result.structured.action).toBe("unchanged");
    expect(requests).toEqual([]);
  });

  it("enable_alt_url and disable_alt_url", async () => {
    h = await open();
    const on = await dryRun("enable_alt_url", { campaign_id: "2001", id: 3 });
    expect(on.result.structured.action).toBe("updated");
    expect(on.result.structured.changes).toEqual({ active: { before: false, after: true } });
    expect(on.requests.map((r) => [r.params.alt_url_id, r.params.active])).toEqual([["3", "Y"]]);
    await realWritesMatch("enable_alt_url", { campaign_id: "2001", id: 3 }, on.requests);

    const off = await dryRun("disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(off.result.structured.changes).toEqual({ active: { before: true, after: false } });
    expect(off.requests.map((r) => [r.params.alt_url_id, r.params.active])).toEqual([["1", "N"]]);
    await realWritesMatch("disable_alt_url", { campaign_id: "2001", id: 1 }, off.requests);
  });

  it("delete_alt_url of an active row: switch off, then the admin page's delete", async () => {
    h = await open();
    const { result, requests } = await dryRun("delete_alt_url", { campaign_id: "2001", id: 1 });
    expect((result.structured.alt_url as { id: number }).id).toBe(1);
    expect(requests.map((r) => r.endpoint)).toEqual(["/vicidial/non_agent_api.php", "/vicidial/admin_url_multi.php"]);
    expect(requests[0]!.params).toMatchObject({ alt_url_id: "1", active: "N" });
    expect(requests[1]!.params).toEqual({
      action: "URL_MULTI_DELETE",
      campaign_id: "2001",
      entry_type: "campaign",
      url_type: "dispo",
      url_id: "1",
    });
    // The admin page takes Basic auth: its planned URL carries no password at all.
    expect(requests[1]!.url).not.toContain("pass");
    await realWritesMatch("delete_alt_url", { campaign_id: "2001", id: 1 }, requests);
  });

  it("delete_alt_url of an inactive row: the delete alone", async () => {
    h = await open();
    const { requests } = await dryRun("delete_alt_url", { campaign_id: "2001", id: 3 });
    expect(requests.map((r) => r.endpoint)).toEqual(["/vicidial/admin_url_multi.php"]);
    await realWritesMatch("delete_alt_url", { campaign_id: "2001", id: 3 }, requests);
  });

  it("enable_alt_url_mode with preserve_url: the switch and the new every-status row", async () => {
    h = await open();
    const args = { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--" };
    const { result, requests } = await dryRun("enable_alt_url_mode", args);
    expect(result.structured.action).toBe("updated");
    expect(requests.map((r) => r.params)).toEqual([
      { source: "mcpalturl", user: API_USER, pass: "***", function: "update_campaign", campaign_id: "2002", dispo_call_url: "ALT" },
      {
        source: "mcpalturl",
        user: API_USER,
        pass: "***",
        function: "update_alt_url",
        campaign_id: "2002",
        entry_type: "campaign",
        url_type: "dispo",
        alt_url_id: "NEW",
        active: "Y",
        url_rank: "1",
        url_statuses: "---ALL---",
        url_description: "Previous Dispo Call URL kept when switching to ALT",
        url_address: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--",
      },
    ]);
    await realWritesMatch("enable_alt_url_mode", args, requests);
  });

  it("enable_alt_url_mode never plans over someone's own every-status row, and the real run matches the plan", async () => {
    // Rows can exist on a campaign not yet in ALT mode (added on the admin pages); this one is not the old URL.
    h = await open({
      seed: safetySeed([
        dispoRow({
          url_id: 40,
          campaign_id: "2002",
          active: "N",
          url_statuses: "---ALL---",
          url_address: "https://audit.example.com/log?l=--A--lead_id--B--",
        }),
      ]),
    });
    const args = { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--" };
    const { requests } = await dryRun("enable_alt_url_mode", args);
    expect(requests[1]!.params.alt_url_id).toBe("NEW");
    const real = await realWritesMatch("enable_alt_url_mode", args, requests);
    expect((real.structured.preserved_alt_url as { id: number }).id).not.toBe(40);
    expect(storedRows(h.sandbox, "2002").find((r) => r.url_id === 40)?.url_address).toBe(
      "https://audit.example.com/log?l=--A--lead_id--B--",
    );
  });

  it("enable_alt_url_mode reuses a row that already holds preserve_url for every status", async () => {
    h = await open({
      seed: safetySeed([
        dispoRow({
          url_id: 41,
          campaign_id: "2002",
          active: "N",
          url_rank: 3,
          url_statuses: "---ALL---",
          url_address: "https://helpdesk.example.com/old",
        }),
      ]),
    });
    const args = { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" };
    const { requests } = await dryRun("enable_alt_url_mode", args);
    expect(requests[1]!.params).toMatchObject({ alt_url_id: "41", active: "Y", url_rank: "1" });
    const real = await realWritesMatch("enable_alt_url_mode", args, requests);
    expect(real.structured.preserved_alt_url).toMatchObject({ id: 41, active: true, rank: 1 });
    expect(storedRows(h.sandbox, "2002")).toHaveLength(1);
  });

  it("enable_alt_url_mode on a campaign already in ALT mode plans nothing", async () => {
    h = await open();
    const { result, requests } = await dryRun("enable_alt_url_mode", { campaign_id: "2001" });
    expect(result.structured.action).toBe("unchanged");
    expect(requests).toEqual([]);
  });

  it("a dry run still validates: bad input is INVALID_INPUT, not a plan", async () => {
    h = await open();
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const r = await call(h.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["SALE"],
      url: "https://x.example.com/a#frag",
      dry_run: true,
    });
    expect(r.structured.error?.code).toBe("INVALID_INPUT");
    expect(h.sandbox.stats().requests).toBe(0);
    expect(h.sandbox.dump()).toBe(before);
  });

  const hasCopy = ALL_TOOLS.some((t) => t.name === "copy_alt_urls");
  it.skipIf(!hasCopy)("copy_alt_urls with replace: the creates, the switch-off and the delete, then the same sent for real", async () => {
    h = await open();
    const args = { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true };
    const { result, requests } = await dryRun("copy_alt_urls", args);
    const params = requests.map((r) => r.params);
    // Rows 1-4 of 2001 are new on 3001; row 5 of 3001 matches none and is active: switched off, then deleted.
    expect(params.map((p) => p.alt_url_id ?? `delete ${p.url_id}`)).toEqual(["NEW", "NEW", "NEW", "NEW", "5", "delete 5"]);
    expect(params[0]).toMatchObject({ campaign_id: "3001", active: "Y", url_statuses: "SALE", url_rank: "1" });
    expect(params[4]).toMatchObject({ campaign_id: "3001", active: "N" });
    const target = (result.structured.results as { campaign_id: string; created: number; deleted: number }[])[0]!;
    expect(target).toMatchObject({ campaign_id: "3001", created: 4, deleted: 1 });
    await realWritesMatch("copy_alt_urls", args, requests);
  });
});
