/**
 * The firing simulator and the URL Log Report over what the admin page
 * manages: the default seed's in-groups (ALT, CAMP, empty), rows in the
 * table's physical order, the user groups' allowed reports, the URL log in
 * dump(), and the failed-login count the report shares with the admin page
 * and the API. Nothing here is fetched (browser_fetches: false).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultSeed,
  type FireDispositionInput,
  type Sandbox,
  type SandboxSeed,
  type SandboxUrlLogRow,
  startSandbox,
} from "../src/sandbox/index.js";
import { pageContent } from "./sandbox/transcript.js";

const API = "/vicidial/non_agent_api.php";
const ADMIN = "/vicidial/admin_url_multi.php";
const REPORT = "/vicidial/AST_url_log_report.php";
const LISTING = "campaign_id=2001&entry_type=campaign&url_type=dispo";
const CSV = "query_date=2026-11-26&url_type[]=--ALL--&SUBMIT=SUBMIT&file_download=1";

let open: Sandbox[] = [];
async function sandbox(seed?: SandboxSeed): Promise<Sandbox> {
  const sb = await startSandbox(seed ? { seed } : {});
  open.push(sb);
  return sb;
}
afterEach(async () => {
  await Promise.all(open.map((sb) => sb.close()));
  open = [];
});

const basic = (user: string, pass: string) => ({ Authorization: "Basic " + Buffer.from(`${user}:${pass}`).toString("base64") });
async function page(sb: Sandbox, path: string, query: string, user: string, pass: string) {
  const res = await fetch(`${sb.url}${path}?${query}`, { headers: basic(user, pass) });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}
const admin = (sb: Sandbox, query: string, user = "6666", pass = "sandbox1234") => page(sb, ADMIN, query, user, pass);
const report = (sb: Sandbox, user = "6666", pass = "sandbox1234") => page(sb, REPORT, CSV, user, pass);
const apiLogin = (sb: Sandbox, user: string, pass: string) =>
  fetch(`${sb.url}${API}?source=test&user=${user}&pass=${pass}&function=campaigns_list`).then((r) => r.text());

/** A SALE on list 101 with 55 s of talk, queued only. */
const sale = (fields: Partial<FireDispositionInput>): FireDispositionInput => ({
  campaign_id: "2001",
  status: "SALE",
  lead: { lead_id: 1234, list_id: 101 },
  talk_sec: 60,
  dead_sec: 5,
  browser_fetches: false,
  ...fields,
});
const firedIds = async (sb: Sandbox, input: FireDispositionInput) => (await sb.fireDisposition(input)).queued.map((q) => q.url_id);

describe("an inbound call on the default seed's in-groups", () => {
  it("fires its ALT in-group's active rows, the campaign's for CAMP, and nothing for an empty URL", async () => {
    const sb = await sandbox();
    const inbound = await sb.fireDisposition(sale({ ingroup_id: "SALESLINE" }));
    expect(inbound.setting).toEqual({ entry_type: "ingroup", id: "SALESLINE", dispo_call_url: "ALT" });
    // 102 is inactive; 103 is an add-lead row, never read at a disposition.
    expect(inbound.queued.map((q) => q.url_id)).toEqual([101]);
    expect(inbound.queued[0]!.url).toBe("https://crm.example.com/vicidial/inbound?lead_id=1234&group=SALESLINE&status=SALE");

    const camp = await sb.fireDisposition(sale({ ingroup_id: "overflow" }));
    expect(camp.setting).toEqual({ entry_type: "campaign", id: "2001", dispo_call_url: "ALT" });
    expect(camp.queued.map((q) => q.url_id)).toEqual([1, 2, 4]);

    const empty = await sb.fireDisposition(sale({ ingroup_id: "SUPPORT_IN" }));
    expect([empty.setting.dispo_call_url, empty.queued, empty.skipped]).toEqual(["", [], []]);
    // A stage that is no in-group's id is an outbound call.
    expect(await firedIds(sb, sale({ ingroup_id: "NOSUCHGROUP" }))).toEqual([1, 2, 4]);
  });
});

describe("equal ranks", () => {
  it("fire in the table's physical order, the order the admin page lists them in", async () => {
    const sb = await sandbox();
    const base = "campaign_id=2001&entry_type=campaign&url_type=dispo";
    const add = (name: string, active: "Y" | "N") =>
      admin(
        sb,
        `${base}&action=URL_MULTI_NEW&active=${active}&url_rank=5&url_statuses=SALE&url_description=${name}&url_address=https://x.example.com/${name}`,
      );
    await add("a", "N"); // 105
    await add("b", "Y"); // 106
    await add("c", "Y"); // 107
    await admin(sb, `${base}&action=URL_MULTI_DELETE&url_id=105`);
    // 108 takes the freed slot of 105, ahead of 106 and 107 of the same rank.
    const listing = pageContent((await add("d", "Y")).body) ?? "";
    const listed = [...listing.matchAll(/name=url_id value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(listed).toEqual([1, 2, 3, 4, 108, 106, 107]);
    // Row 3 is inactive and not read.
    expect(await firedIds(sb, sale({}))).toEqual([1, 2, 4, 108, 106, 107]);
  });
});

describe("the report's allowed reports", () => {
  it("refuses SALESTEAM (other reports named) with a 401 after a good login that resets the count", async () => {
    const sb = await sandbox();
    await apiLogin(sb, "sales", "wrong");
    expect(sb.stats().failedLogins).toEqual({ sales: 1 });
    const r = await report(sb, "sales", "salespass");
    expect([r.status, r.body]).toEqual([401, "You are not allowed to view this report: |sales|URL Log Report|\n"]);
    expect(sb.stats().failedLogins).toEqual({});
    expect(sb.reportLog()).toEqual([]);
  });

  it("lets a group without the field view it (the column's default, ALL REPORTS), not a user whose group has no row", async () => {
    const seed = defaultSeed();
    delete seed.user_groups.find((g) => g.user_group === "SALESTEAM")!.allowed_reports;
    seed.users.push({ ...seed.users[0]!, user: "orphan", pass: "orphan12", user_group: "NOSUCHGROUP" });
    const sb = await sandbox(seed);
    expect((await report(sb, "sales", "salespass")).type).toBe("application/octet-stream");
    const orphan = await report(sb, "orphan", "orphan12");
    expect([orphan.status, orphan.body]).toEqual([401, "You are not allowed to view this report: |orphan|URL Log Report|\n"]);
    expect(sb.reportLog().map((v) => v.user)).toEqual(["sales"]);
  });

  it("is set on every group of the default seed", () => {
    expect(defaultSeed().user_groups.map((g) => [g.user_group, g.allowed_reports])).toEqual([
      ["ADMIN", "ALL REPORTS"],
      ["SALESTEAM", "Real-Time Main Report, Outbound Calling Report"],
      ["LIMITED", "Real-Time Main Report"],
    ]);
  });
});

describe("dump()", () => {
  it("holds vicidial_url_log in table order: a disposition changes it, a report visit does not", async () => {
    const sb = await sandbox();
    const log = () => (JSON.parse(sb.dump()) as { vicidial_url_log: SandboxUrlLogRow[] }).vicidial_url_log;
    expect(log()).toEqual(sb.urlLog());
    expect(log().length).toBeGreaterThan(0);
    const before = sb.dump();
    expect((await report(sb)).status).toBe(200);
    expect(sb.dump()).toBe(before);
    const fired = await sb.fireDisposition(sale({}));
    expect(
      log()
        .slice(-3)
        .map((r) => r.url_log_id),
    ).toEqual(fired.url_log_ids);
    expect(log()).toEqual(sb.urlLog());
  });
});

describe("the failed-login count", () => {
  it("is one count for the API, the admin page and the report", async () => {
    const sb = await sandbox();
    expect(await apiLogin(sb, "6666", "sandbox1234")).toMatch(/^2001\|/);
    for (let i = 0; i < 5; i++) expect((await admin(sb, LISTING, "6666", "wrong")).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await report(sb, "6666", "wrong")).status).toBe(401);
    expect(sb.stats().failedLogins).toEqual({ "6666": 10 });
    const locked = "Too many login attempts, try again in 15 minutes: |6666|LOCK|\n";
    expect(await report(sb)).toEqual({ status: 200, type: "text/html; charset=utf-8", body: locked });
    expect((await admin(sb, LISTING)).body).toBe(locked);
  });

  it("counts a level-7 user's admin page 401, and the report (level 7 is enough) resets it", async () => {
    const sb = await sandbox();
    expect((await admin(sb, LISTING, "apilow", "lowpass1")).status).toBe(401);
    expect(sb.stats().failedLogins).toEqual({ apilow: 1 });
    expect((await report(sb, "apilow", "lowpass1")).type).toBe("application/octet-stream");
    expect(sb.stats().failedLogins).toEqual({});
  });
});
