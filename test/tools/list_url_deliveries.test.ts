/**
 * list_url_deliveries over stdio (the built server, one process for the
 * describe) against a sandbox holding the seeded deliveries of every
 * outcome, and dispositions fired at a CRM stand-in on loopback: a 200, a
 * closed port, a silent handler past a short fetch limit, a multi-line
 * answer, and a browser that never asks for the fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type Crm, closedPort, deliveriesSeed, localDay, reportRequests, type Shown, startCrm } from "../helpers/deliveries.js";
import { call, type Spawned, spawnStdio } from "../helpers/harness.js";

let sandbox: Sandbox;
let crm: Crm;
let srv: Spawned;

beforeAll(async () => {
  crm = await startCrm();
  sandbox = await startSandbox({ seed: deliveriesSeed(crm.port, await closedPort()) });
  srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234" });
});
afterAll(async () => {
  await srv?.close();
  await sandbox?.close();
  await crm?.close();
});

async function deliveries(args: Record<string, unknown>) {
  const r = await call(srv.client, "list_url_deliveries", args);
  expect(r.isError, r.text).toBe(false);
  const s = r.structured as unknown as {
    deliveries: Shown[];
    summary: {
      total: number;
      unmatched: number;
      by_outcome: Record<string, number>;
      by_alt_url: { alt_url_id: number | null; total: number }[];
    };
    truncated: boolean;
    time_zone: string | null;
    warnings: string[];
    date: string;
    to_date: string;
  };
  return { ...s, text: r.text };
}

const byRow = (ds: Shown[], id: number | null) => ds.filter((d) => d.alt_url_id === id);

describe("list_url_deliveries over stdio", () => {
  it("reads the day before yesterday: answered, HTTP 500, refused and a multi-line answer, each given to its row", async () => {
    const r = await deliveries({ date: localDay(sandbox, -2) });
    expect(r.time_zone).toBe("UTC-05:00");
    expect(r.summary.by_outcome).toEqual({ answered: 3, failed: 2, not_fetched: 0 });
    const [retention] = byRow(r.deliveries, 5);
    // Newest first: the retention desk's call came last that day.
    expect(r.deliveries[0]).toBe(retention);
    expect(retention).toMatchObject({
      campaign_id: "3001",
      entry_type: "campaign",
      outcome: "answered",
      variables: { lead_id: "300201", dispo: "RETAIN" },
    });
    expect(retention!.response).toBe('saved\r\nticket 7781 status"RETAIN"\r\nnext review in 30 days\n');
    expect(r.warnings.join(" ")).toMatch(/spaces next to a double quote/);
    const order = byRow(r.deliveries, 2)[0]!;
    expect(order).toMatchObject({ outcome: "failed", variables: { lead_id: "100101", dispo: "SALE", talk_time: "95" } });
    expect(order.error).toMatch(/^HTTP 500 Internal Server Error/);
    const refused = r.deliveries.find((d) => d.variables.dispo === "NI")!;
    expect(refused).toMatchObject({ alt_url_id: 4, outcome: "failed" });
    expect(refused.error).toMatch(/^connection refused/);
    expect(byRow(r.deliveries, 1)[0]).toMatchObject({ outcome: "answered", response: '{"status":"ok","lead":"100101"}\n' });
  });

  it("reads yesterday: a timeout, TLS, an unknown host, an empty answer, never fetched, and a plain URL no row matches", async () => {
    const r = await deliveries({ date: localDay(sandbox, -1) });
    expect(r.summary.by_outcome).toEqual({ answered: 2, failed: 4, not_fetched: 2 });
    const errors = r.deliveries.map((d) => d.error ?? "");
    for (const re of [
      /^timeout: .*took 60 s/,
      /^TLS/,
      /^unknown host: log\.example\.com/,
      /^empty answer: .*Undefined variable \$DB/,
      /browser never asked/,
    ]) {
      expect(
        errors.some((e) => re.test(e)),
        String(re),
      ).toBe(true);
    }
    const never = r.deliveries.filter((d) => d.outcome === "not_fetched");
    expect(never.map((d) => d.alt_url_id).sort()).toEqual([1, 4]);
    expect(never.every((d) => d.response === "" && d.response_sec === 0)).toBe(true);
    // Campaign 2002's plain dispo URL is no Alt URL row: kept with nulls, and counted.
    const plain = byRow(r.deliveries, null);
    expect(plain).toEqual([
      expect.objectContaining({ campaign_id: null, entry_type: null, variables: {}, outcome: "answered", response: "thanks\n" }),
    ]);
    expect(r.summary.unmatched).toBe(1);
  });

  it("fires a disposition at the CRM stand-in and reads back a 200, a refused port, a timeout and a multi-line answer", async () => {
    const fired = await sandbox.fireDisposition({
      campaign_id: "4001",
      status: "SALE",
      lead: { lead_id: 4242, list_id: 101 },
      talk_sec: 60,
      fetch_timeout_ms: 400,
    });
    expect(fired.fetched).toHaveLength(4);
    const r = await deliveries({ campaign_id: "4001", lead_id: 4242 });
    // Newest first: one call's URLs share their logged_at, and the last one queued comes first.
    expect(r.deliveries.map((d) => d.alt_url_id)).toEqual([203, 202, 201, 200]);
    const [multi, slow, refused, ok] = r.deliveries as [Shown, Shown, Shown, Shown];
    expect(ok).toMatchObject({
      outcome: "answered",
      response: '{"recorded":"4242"}\n',
      variables: { lead_id: "4242", dispo: "SALE" },
      error: null,
    });
    expect(ok.url).toBe(`http://127.0.0.1:${crm.port}/ok?lead=4242&s=SALE`);
    expect(refused).toMatchObject({ outcome: "failed" });
    expect(refused.error).toMatch(/^connection refused/);
    expect(slow).toMatchObject({ outcome: "failed" });
    expect(slow.error).toMatch(/^timeout/);
    expect(multi).toMatchObject({ outcome: "answered", response: 'saved\r\nticket 88 status"OPEN"\r\nthanks\n' });
    expect(r.summary.by_alt_url.map((c) => c.alt_url_id).sort()).toEqual([200, 201, 202, 203]);
  });

  it("shows the URLs of a disposition whose browser never asked for the fetch as not_fetched", async () => {
    const hitsBefore = crm.hits.length;
    await sandbox.fireDisposition({
      campaign_id: "4001",
      status: "SALE",
      lead: { lead_id: 4343, list_id: 101 },
      talk_sec: 20,
      browser_fetches: false,
    });
    const r = await deliveries({ campaign_id: "4001", lead_id: "4343" });
    expect(r.deliveries).toHaveLength(4);
    for (const d of r.deliveries) {
      expect(d).toMatchObject({ outcome: "not_fetched", response: "", response_sec: 0 });
      expect(d.error).toMatch(/agent's browser never asked/);
    }
    expect(crm.hits.length).toBe(hitsBefore);
    const only = await deliveries({ campaign_id: "4001", outcome: "not_fetched" });
    expect(only.deliveries.every((d) => d.outcome === "not_fetched")).toBe(true);
  });

  it("answers a day with no rows with no deliveries, after one report request for that day", async () => {
    sandbox.resetStats();
    const r = await deliveries({ date: "2020-01-01" });
    expect(r.deliveries).toEqual([]);
    expect(r.summary).toMatchObject({ total: 0, unmatched: 0 });
    expect(r.truncated).toBe(false);
    expect(reportRequests(sandbox)).toEqual([{ user: "6666", date: "2020-01-01", status: 200 }]);
  });

  it("keeps today's URL from a deleted row with nulls, and leaves it out (but counts it) for one campaign", async () => {
    const all = await deliveries({});
    const orphan = all.deliveries.find((d) => d.url.includes("old-crm.example.com"))!;
    expect(orphan).toMatchObject({ alt_url_id: null, campaign_id: null, entry_type: null, variables: {}, outcome: "answered" });
    expect(all.summary.unmatched).toBeGreaterThanOrEqual(1);
    const one = await deliveries({ campaign_id: "2001" });
    expect(one.deliveries.some((d) => d.url.includes("old-crm"))).toBe(false);
    expect(one.deliveries.every((d) => d.campaign_id === "2001")).toBe(true);
    // Only 2001's rows were searched: every other campaign's URL is unmatched there.
    expect(one.summary.unmatched).toBeGreaterThan(all.summary.unmatched);
    expect(one.summary.total).toBe(one.deliveries.length);
  });

  it("masks the agent password a --A--pass--B-- row put into the URL and the target echoed back", async () => {
    const secret = "Agent-S3cret!x";
    const set = await call(srv.client, "set_alt_url", {
      campaign_id: "4001",
      statuses: ["PASSX"],
      url: `http://127.0.0.1:${crm.port}/echo?lead=--A--lead_id--B--&pw=--A--pass--B--`,
      allow_credential_variables: true,
    });
    expect(set.isError, set.text).toBe(false);
    await sandbox.fireDisposition({
      campaign_id: "4001",
      status: "PASSX",
      lead: { lead_id: 4444, list_id: 101, pass: secret },
      talk_sec: 5,
    });
    expect(crm.hits.some((h) => h.includes("Agent-S3cret"))).toBe(true);
    const r = await deliveries({ campaign_id: "4001", lead_id: 4444 });
    expect(r.deliveries).toHaveLength(1);
    const [d] = r.deliveries as [Shown];
    expect(d.alt_url_id).toBe((set.structured.alt_url as { id: number }).id);
    expect(d.url).toBe(`http://127.0.0.1:${crm.port}/echo?lead=4444&pw=***`);
    expect(d.variables).toEqual({ lead_id: "4444", pass: "***" });
    expect(d.response).toBe("got pw=*** for lead 4444\n");
    expect(JSON.stringify(r)).not.toMatch(/S3cret/);
  });

  it("filters by status, row id and outcome; limit keeps the newest and says it truncated", async () => {
    const day = localDay(sandbox, -1);
    const sale = await deliveries({ date: day, status: "SALE" });
    // Row 1 carries no --A--dispo--B--, but SALE is its only status.
    expect(sale.deliveries.length).toBe(5);
    expect(sale.deliveries.every((d) => d.variables.dispo === "SALE" || d.alt_url_id === 1)).toBe(true);
    const row4 = await deliveries({ date: day, id: 4 });
    expect(row4.deliveries.map((d) => d.alt_url_id)).toEqual([4, 4, 4]);
    const failed = await deliveries({ date: day, outcome: "failed" });
    expect(failed.summary.total).toBe(4);
    const two = await deliveries({ date: day, limit: 2 });
    expect(two.deliveries).toHaveLength(2);
    expect(two.truncated).toBe(true);
    expect(two.summary.total).toBe(8);
    expect(two.deliveries[0]!.logged_at >= two.deliveries[1]!.logged_at).toBe(true);
    expect(two.deliveries[0]!.logged_at.endsWith("16:30:00")).toBe(true);
  });

  it("reads several days with one report request each, newest day first", async () => {
    sandbox.resetStats();
    const r = await deliveries({ date: localDay(sandbox, -2), to_date: localDay(sandbox), limit: 1000 });
    expect(reportRequests(sandbox).map((q) => q.date)).toEqual([localDay(sandbox), localDay(sandbox, -1), localDay(sandbox, -2)]);
    const times = r.deliveries.map((d) => d.logged_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(r).toMatchObject({ date: localDay(sandbox, -2), to_date: localDay(sandbox) });
  });

  it("refuses a to_date more than 31 days after date, before date, or an impossible day, sending nothing", async () => {
    sandbox.resetStats();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ date: "2026-01-01", to_date: "2026-02-02" }, "to_date", /32 days after/],
      [{ date: "2026-01-10", to_date: "2026-01-09" }, "to_date", /before date/],
      [{ date: "2026-02-30", campaign_id: "2001" }, "date", /not a calendar date/],
    ];
    for (const [args, field, message] of cases) {
      const r = await call(srv.client, "list_url_deliveries", args);
      expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field });
      expect(r.structured.error!.message).toMatch(message);
    }
    expect(sandbox.stats().requests).toBe(0);
    // 31 days after is still one call (32 report requests).
    const ok = await deliveries({ date: "2020-01-01", to_date: "2020-02-01" });
    expect(ok.summary).toMatchObject({ total: 0 });
    expect(reportRequests(sandbox)).toHaveLength(32);
  });

  it("reads start and no-agent URLs under their own logged types", async () => {
    const start = await deliveries({ date: localDay(sandbox, -2), url_type: "start" });
    expect(start.deliveries).toEqual([expect.objectContaining({ outcome: "answered", response: "popup queued\n", alt_url_id: null })]);
    const na = await deliveries({ date: localDay(sandbox, -1), url_type: "noagent" });
    expect(na.deliveries).toHaveLength(1);
    expect(na.deliveries[0]).toMatchObject({ outcome: "answered", response: '{"ok":true}!' });
    const list = await call(srv.client, "list_url_deliveries", { campaign_id: "101", entry_type: "list", url_type: "dispo" });
    expect(list.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url_type" });
  });
});
