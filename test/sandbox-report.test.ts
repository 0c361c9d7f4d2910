/**
 * The URL Log Report beyond the recorded transcript: the rights checks and
 * what they do to the failed-login count, the parameters' defaults, paging,
 * the CSV's quoting rules, the time zone, and the default seed's deliveries.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, type SandboxOptions, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";

const REPORT = "/vicidial/AST_url_log_report.php";
const API = "/vicidial/non_agent_api.php";

let open: Sandbox[] = [];
async function sandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox(opts);
  open.push(sb);
  return sb;
}
afterEach(async () => {
  await Promise.all(open.map((sb) => sb.close()));
  open = [];
});

function seedWith(change: (s: SandboxSeed) => void): SandboxSeed {
  const s = defaultSeed();
  change(s);
  return s;
}

async function report(sb: Sandbox, query: string, auth: [string, string] | null = ["6666", "sandbox1234"], init: RequestInit = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (auth) headers.Authorization = "Basic " + Buffer.from(`${auth[0]}:${auth[1]}`).toString("base64");
  const res = await fetch(`${sb.url}${REPORT}?${query}`, { ...init, headers });
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: await res.text() };
}

const apiLogin = (sb: Sandbox, user: string, pass: string) =>
  fetch(`${sb.url}${API}?source=test&user=${user}&pass=${pass}&function=campaigns_list`).then((r) => r.text());

const CSV_OF = (day: string, type = "--ALL--") => `query_date=${day}&url_type[]=${type}&SUBMIT=SUBMIT&file_download=1`;
const REALM = 'Basic realm="CONTACT-CENTER-ADMIN"';

describe("rights", () => {
  it("answers 401 with the realm to no, wrong or unknown credentials, level 6 and inactive users", async () => {
    const sb = await sandbox({
      seed: seedWith((s) => {
        s.users.push({ ...s.users[0]!, user: "agent6", pass: "agent6pw", user_level: 6 });
        s.users.push({ ...s.users[0]!, user: "gone", pass: "gonepw", active: "N" });
      }),
    });
    for (const [auth, body] of [
      [null, "Login incorrect, please try again: |||BAD|\n"],
      [["6666", "wrong"], "Login incorrect, please try again: |6666|wrong|BAD|\n"],
      [["ghost", "x"], "Login incorrect, please try again: |ghost|x|BAD|\n"],
      [["agent6", "agent6pw"], "Login incorrect, please try again: |agent6|agent6pw|BAD|\n"],
      [["gone", "gonepw"], "Login incorrect, please try again: |gone|gonepw|BAD|\n"],
    ] as const) {
      const r = await report(sb, CSV_OF("2026-11-26"), auth as [string, string] | null);
      expect([r.status, r.type, r.headers.get("www-authenticate"), r.body]).toEqual([401, "text/html; charset=UTF-8", REALM, body]);
    }
    // Known users are counted, the unknown one is not.
    expect(sb.stats().failedLogins).toEqual({ "6666": 1, agent6: 1, gone: 1 });
    expect(sb.reportLog()).toEqual([]);
  });

  it("strips user and password to letters, digits, - and _ before checking", async () => {
    const sb = await sandbox();
    expect((await report(sb, CSV_OF("2026-11-26"), ["66;66", "sandbox'1234"])).status).toBe(200);
  });

  it("View Reports off: 200 and GOOD; level 7 and no API access are enough", async () => {
    const sb = await sandbox({
      seed: seedWith((s) => s.users.push({ ...s.users[1]!, user: "noview", pass: "noview12", view_reports: 0 })),
    });
    const r = await report(sb, CSV_OF("2026-11-26"), ["noview", "noview12"]);
    expect([r.status, r.type, r.body]).toEqual([200, "text/html; charset=utf-8", "You are not allowed to view reports: |noview|GOOD|\n"]);
    expect((await report(sb, CSV_OF("2026-11-26"), ["apilow", "lowpass1"])).type).toBe("application/octet-stream");
    expect((await report(sb, CSV_OF("2026-11-26"), ["noapi", "noapi1234"])).type).toBe("application/octet-stream");
    expect(sb.reportLog().map((v) => v.user)).toEqual(["apilow", "noapi"]);
  });

  it("a group without the report: 401 after a good login, which resets the failed-login count", async () => {
    const sb = await sandbox();
    for (let i = 0; i < 3; i++) expect(await apiLogin(sb, "rptlimit", "nope")).toMatch(/Login incorrect/);
    expect(sb.stats().failedLogins).toEqual({ rptlimit: 3 });
    const r = await report(sb, CSV_OF("2026-11-26"), ["rptlimit", "rptlimit1"]);
    expect([r.status, r.type, r.headers.get("www-authenticate"), r.body]).toEqual([
      401,
      "text/html; charset=UTF-8",
      REALM,
      "You are not allowed to view this report: |rptlimit|URL Log Report|\n",
    ]);
    expect(sb.stats().failedLogins).toEqual({});
    expect(sb.reportLog()).toEqual([]);
    // The password was right all along: the API still takes it.
    expect(await apiLogin(sb, "rptlimit", "rptlimit1")).toMatch(/^2001\|/);
  });

  it("allowed reports is a substring test for the report's name or ALL REPORTS", async () => {
    const sb = await sandbox({
      seed: seedWith((s) => {
        s.user_groups.push({
          user_group: "NAMED",
          allowed_campaigns: " -ALL-CAMPAIGNS- - -",
          allowed_reports: "Agent Time Detail, URL Log Report",
        });
        s.users.push({ ...s.users[1]!, user: "named", pass: "named123", user_group: "NAMED" });
      }),
    });
    expect((await report(sb, CSV_OF("2026-11-26"), ["named", "named123"])).status).toBe(200);
  });

  it("a wrong password on the report counts like any other failure, shared with the API", async () => {
    const sb = await sandbox();
    expect(await apiLogin(sb, "6666", "sandbox1234")).toMatch(/^2001\|/);
    for (let i = 0; i < 5; i++) expect((await report(sb, CSV_OF("2026-11-26"), ["6666", "wrong"])).status).toBe(401);
    expect(sb.stats().failedLogins).toEqual({ "6666": 5 });
    for (let i = 0; i < 5; i++) await apiLogin(sb, "6666", "wrong");
    // Ten failures since the last good login: locked, the right password included, on both.
    expect(await apiLogin(sb, "6666", "sandbox1234")).toBe("ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n");
    const locked = await report(sb, CSV_OF("2026-11-26"));
    expect([locked.status, locked.type, locked.body]).toEqual([
      200,
      "text/html; charset=utf-8",
      "Too many login attempts, try again in 15 minutes: |6666|LOCK|\n",
    ]);
  });

  it("an IP outside the group's list gets IPBLOCK", async () => {
    const sb = await sandbox({ seed: seedWith((s) => (s.user_groups[0]!.api_ip_list = ["10.9.8.7"])) });
    const r = await report(sb, CSV_OF("2026-11-26"));
    expect([r.status, r.body]).toEqual([200, "Your IP Address is not allowed: 127.0.0.1: |6666|IPBLOCK|\n"]);
  });
});

/** A fixed clock: 2026-11-27 03:00 UTC is still the 26th at UTC-5. */
const FIXED = Date.UTC(2026, 10, 27, 3, 0, 0);

describe("parameters, paging and the CSV", () => {
  it("defaults query_date to the sandbox's today, in its own zone, and names the CSV by the request time", async () => {
    const sb = await sandbox({ now: () => FIXED });
    const page = await report(sb, "url_type[]=--ALL--");
    expect(page.body).toContain('<INPUT TYPE=TEXT NAME=query_date SIZE=10 MAXLENGTH=10 VALUE="2026-11-26">');
    const csv = await report(sb, "url_type[]=--ALL--&SUBMIT=SUBMIT&file_download=1");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="AST_url_log_report_20261126-220000.csv"');
    expect(
      csv.body
        .split("\n")
        .slice(1, -1)
        .every((line) => !/^"[^"]*","/.test(line) || line.includes('","2026-11-26 ')),
    ).toBe(true);
    expect(csv.body.length).toBeGreaterThan(0);

    const east = await sandbox({ now: () => FIXED, utcOffsetHours: 5.5 });
    expect((await report(east, "url_type[]=--ALL--")).body).toContain('VALUE="2026-11-27"');
    expect(await (await fetch(`${east.url}${API}?function=version`)).text()).toMatch(/\|TZ: 5\.50\|TZNOW: 5\.50\|\n$/);
    expect(await (await fetch(`${sb.url}${API}?function=version`)).text()).toMatch(/\|TZ: -5\.00\|TZNOW: -5\.00\|\n$/);
  });

  it("takes url_type[] from POST too (GET wins for the whole field) and needs SUBMIT", async () => {
    const sb = await sandbox({ seed: { ...defaultSeed(), vicidial_url_log: [] } });
    sb.addUrlLogRows([
      { uniqueid: "1.1", url_date: "2026-11-26 10:00:00", url_type: "dispo", url: "https://a.example.com/" },
      { uniqueid: "1.2", url_date: "2026-11-26 10:00:01", url_type: "start", url: "https://b.example.com/" },
    ]);
    const form = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } };
    const posted = await report(sb, "query_date=2026-11-26&file_download=1", undefined, {
      ...form,
      body: "url_type%5B%5D=start&SUBMIT=SUBMIT",
    });
    expect(posted.body.split("\n")).toHaveLength(3);
    expect(posted.body).toContain('"1.2","2026-11-26 10:00:01","start"');
    const both = await report(sb, "query_date=2026-11-26&file_download=1&url_type[]=dispo", undefined, {
      ...form,
      body: "url_type[]=start&SUBMIT=1",
    });
    expect(both.body).toContain('"1.1"');
    expect(both.body).not.toContain('"1.2"');
    expect((await report(sb, "query_date=2026-11-26&file_download=1&url_type[]=dispo&SUBMIT=0")).body).toBe("");
  });

  it("pages the views 1000 records at a time while the CSV holds every row", async () => {
    const sb = await sandbox({ seed: { ...defaultSeed(), vicidial_url_log: [] } });
    sb.addUrlLogRows(
      Array.from({ length: 1005 }, (_, i) => ({
        uniqueid: `1795700000.${i}`,
        url_date: `2026-11-26 10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`,
        url_type: "dispo",
        url: `https://crm.example.com/lead?id=${i}`,
      })),
    );
    const first = await report(sb, "query_date=2026-11-26&url_type[]=dispo&SUBMIT=SUBMIT");
    expect(first.body).toContain(", RECORDS #1-1000               <a href=");
    expect(first.body).toContain('&lower_limit=1001">[NEXT 5 records >>>]</a>');
    expect(first.body.match(/^\| 1795700000\.\d+ /gm)).toHaveLength(1000);
    const second = await report(sb, "query_date=2026-11-26&url_type[]=dispo&SUBMIT=SUBMIT&lower_limit=1001&report_display_type=HTML");
    expect(second.body).toContain("RECORDS #1001-1005</TH>");
    expect(second.body).toContain('&lower_limit=1">[<<< PREV 1000 records]</a></TH>');
    expect(second.body).toContain("<option value='HTML' selected>HTML</option>");
    expect(second.body.match(/<TR valign='top'>/g)).toHaveLength(5);
    const csv = await report(sb, `${CSV_OF("2026-11-26", "dispo")}&lower_limit=1001`);
    expect(csv.body.split("\n")).toHaveLength(1 + 1005 + 1);
  });

  it("writes fields raw in quotes, keeps CR and LF, deletes spaces next to quotes, and orders by date then table order", async () => {
    const sb = await sandbox({ seed: { ...defaultSeed(), vicidial_url_log: [] } });
    sb.addUrlLogRows([
      {
        uniqueid: "9.2",
        url_date: "2026-11-26 12:00:00",
        url_type: "dispo",
        url: "https://x.example.com/b",
        url_response: 'a "quoted" word \r\n next ',
      },
      { uniqueid: "9.1", url_date: "2026-11-26 11:00:00", url_type: "dispo", url: "https://x.example.com/a" },
      {
        uniqueid: "9.3",
        url_date: "2026-11-26 12:00:00",
        url_type: "DISPO",
        url: "https://x.example.com/c",
        response_sec: 4,
        url_response: "ok",
      },
    ]);
    const csv = await report(sb, CSV_OF("2026-11-26", "dispo"));
    expect(csv.body).toBe(
      '"UNIQUE ID","URL DATE","URL TYPE","RESP SEC","URL","URL RESPONSE"\n' +
        '"9.1","2026-11-26 11:00:00","dispo","0","https://x.example.com/a",""\n' +
        '"9.2","2026-11-26 12:00:00","dispo","0","https://x.example.com/b","a"quoted"word \r\n next"\n' +
        '"9.3","2026-11-26 12:00:00","DISPO","4","https://x.example.com/c","ok"\n',
    );
    // The page counts DISPO and dispo as one url_type, as MySQL groups them.
    expect((await report(sb, "query_date=2026-11-26&url_type[]=--ALL--&SUBMIT=SUBMIT")).body).toContain("| dispo        | 3       |\n");
    // An impossible window matches nothing; the HTML view with no rows has no PRE block.
    expect((await report(sb, CSV_OF("2026-02-30"))).body).toBe("");
    expect((await report(sb, "query_date=2026-11-27&url_type[]=--ALL--&SUBMIT=SUBMIT&report_display_type=HTML")).body).toMatch(
      /<\/TD><\/TR><\/TABLE>\n\*\*\* NO RECORDS FOUND \*\*\*\n<\/form><\/BODY><\/HTML>\n$/,
    );
  });

  it("serves a day of 100,000 rows as a streamed CSV with every record", async () => {
    const sb = await sandbox({ seed: { ...defaultSeed(), vicidial_url_log: [] } });
    const rows = Array.from({ length: 100_000 }, (_, i) => {
      const s = i % 86_400;
      const time = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, "0")).join(":");
      return {
        uniqueid: `1795700000.${i}`,
        url_date: `2026-11-25 ${time}`,
        url_type: i % 10 === 0 ? "start" : "dispo",
        url: `https://crm.example.com/vicidial/sale?lead_id=${100000 + i}&phone=3125550100&agent=agent01`,
        response_sec: i % 3,
        url_response: `Wed, 25 Nov 2026 ${time} -0500|{"status":"ok","lead":"${100000 + i}"}\n`,
      };
    });
    const ids = sb.addUrlLogRows(rows);
    expect(ids).toHaveLength(100_000);
    const res = await fetch(`${sb.url}${REPORT}?${CSV_OF("2026-11-25")}`, {
      headers: { Authorization: "Basic " + Buffer.from("6666:sandbox1234").toString("base64") },
    });
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const body = await res.text();
    // One header line; each record spans two lines (its response ends in LF before the closing quote).
    const lines = body.split("\n");
    expect(lines).toHaveLength(1 + 2 * 100_000 + 1);
    expect(lines.filter((l) => l.startsWith('"1795700000.'))).toHaveLength(100_000);
    expect(lines[1]).toBe(
      '"1795700000.0","2026-11-25 00:00:00","start","0","https://crm.example.com/vicidial/sale?lead_id=100000&phone=3125550100&agent=agent01","Wed, 25 Nov 2026 00:00:00 -0500|{"status":"ok","lead":"100000"}',
    );
  });

  it("can be cut by fault injection like the other pages", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "http500-empty", match: { path: "report" }, times: 1 }]);
    expect((await report(sb, CSV_OF("2026-11-26"))).status).toBe(500);
    expect((await report(sb, CSV_OF("2026-11-26"))).status).toBe(200);
  });
});

describe("the default seed's deliveries", () => {
  /** A regular expression that matches a URL made from this template (each variable any value). */
  const templatePattern = (template: string) =>
    new RegExp(
      `^${template
        .split(/--A--[0-9A-Za-z_]+--B--/i)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^&]*")}$`,
    );

  it("holds rows for today, yesterday and the day before, read through the report", async () => {
    const sb = await sandbox({ now: () => FIXED });
    const counts: Record<string, number> = {};
    for (const day of ["2026-11-26", "2026-11-25", "2026-11-24", "2026-11-23"]) {
      const csv = await report(sb, CSV_OF(day));
      counts[day] = csv.body === "" ? 0 : csv.body.split("\n").filter((l) => /^"\d+\.\d+","\d{4}-/.test(l)).length;
    }
    expect(counts).toEqual({ "2026-11-26": 6, "2026-11-25": 9, "2026-11-24": 6, "2026-11-23": 0 });
    // Today's rows are never in the future.
    const today = sb.urlLog().filter((r) => r.url_date.startsWith("2026-11-26"));
    expect(today.every((r) => r.url_date <= "2026-11-26 22:00:00")).toBe(true);
  });

  it("covers every outcome, each dispo URL made from an Alt URL row's template but the stated few", async () => {
    const seed = defaultSeed({ now: FIXED });
    const log = seed.vicidial_url_log!;
    expect(log.map((r) => r.url_log_id)).toEqual(log.map((_, i) => i + 1));
    const body = (r: (typeof log)[number]) => r.url_response.replace(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0500\|/, "");
    const has = (test: (r: (typeof log)[number]) => boolean) => log.filter(test).length;
    expect(has((r) => body(r).startsWith('{"status":"ok"'))).toBeGreaterThan(0);
    expect(has((r) => body(r).includes("HTTP request failed! HTTP/1.1 500 Internal Server Error\r\n - Line=17131"))).toBe(1);
    expect(has((r) => body(r).includes("Failed to open stream: Connection refused - Line="))).toBe(1);
    expect(has((r) => body(r).includes("getaddrinfo for log.example.com failed: Name or service not known"))).toBe(1);
    expect(has((r) => r.response_sec === 60 && body(r).includes("Failed to open stream: HTTP request failed! - Line="))).toBe(1);
    expect(has((r) => body(r).includes("Failed to open stream: operation failed - Line="))).toBe(1);
    expect(
      has((r) => body(r) === "PHP ERROR: Type=2 - Message=Undefined variable $DB - Line=213 - File=/srv/www/htdocs/agc/functions.php"),
    ).toBe(1);
    expect(has((r) => r.url_type === "dispo" && r.url_response === "")).toBe(2);
    expect(has((r) => /\r\n.*\r\n/s.test(body(r)))).toBe(1);
    expect(has((r) => r.url_type === "start")).toBe(1);
    expect(has((r) => r.url_type === "na_callurl")).toBe(1);

    const templates = seed.vicidial_url_multi.map((row) => ({ id: row.url_id, pattern: templatePattern(row.url_address) }));
    const matched = (url: string) => templates.filter((t) => t.pattern.test(url)).map((t) => t.id);
    const unmatched = log.filter((r) => matched(r.url).length === 0).map((r) => `${r.url_type} ${r.url}`);
    expect(unmatched.sort()).toEqual([
      "dispo https://helpdesk.example.com/vicidial/dispo.php?lead=200310",
      "dispo https://old-crm.example.com/hook.php?lead=100333&status=SALE",
      "na_callurl https://crm.example.com/drop?lead=100260&status=DROP",
      "start https://crm.example.com/screenpop?lead=100101&agent=agent01",
    ]);
    // Every other row comes from exactly one Alt URL row.
    expect(log.filter((r) => matched(r.url).length > 1)).toEqual([]);
    expect(new Set(log.flatMap((r) => matched(r.url)))).toEqual(new Set([1, 2, 4, 5]));
  });
});
