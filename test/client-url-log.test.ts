/**
 * The URL Log Report's CSV as VICIdial really writes it (the recorded
 * transcript's downloads), read by the streaming parser in any chunking;
 * each logged response read as an outcome; each logged URL matched back to
 * the template that produced it, with VICIdial's encodings per URL type.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_HEADER, UrlLogCsvParser, type UrlLogRecord } from "../src/client/parseUrlLog.js";
import { judgeReportRefusal } from "../src/client/urlLogReport.js";
import type { AltUrl } from "../src/common/model.js";
import { readOutcome } from "../src/domain/deliveryOutcome.js";
import { DeliveryTally } from "../src/domain/deliveryTally.js";
import { phpUrlencode } from "../src/domain/templateVars.js";
import { phpUrldecode, TemplateMatcher } from "../src/domain/urlAttribution.js";
import { ROOT } from "./helpers/harness.js";

interface Pair {
  n: number;
  params: [string, string][];
  status: number;
  content_type: string;
  body: string;
}
const transcript = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/url-log-transcript.json"), "utf8")) as {
  requests: Pair[];
  initial_state: { vicidial_url_log: (UrlLogRecord & { url_log_id: number })[] };
};
const downloads = transcript.requests.filter((p) => p.content_type === "application/octet-stream");

function parse(body: Buffer, date: string, cuts: number[] = []): UrlLogRecord[] {
  const out: UrlLogRecord[] = [];
  const parser = new UrlLogCsvParser({ date, types: null }, (r) => out.push(r));
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(body.subarray(at, cut));
    at = cut;
  }
  parser.push(body.subarray(at));
  parser.end();
  return out;
}

/** The CSV a list of records makes, as VICIdial writes it (nothing escaped). */
const csv = (records: UrlLogRecord[]) =>
  records.length === 0
    ? ""
    : CSV_HEADER +
      records.map((r) => `"${r.uniqueid}","${r.url_date}","${r.url_type}","${r.response_sec}","${r.url}","${r.url_response}"\n`).join("");

const dateOf = (p: Pair) => p.params.find(([k]) => k === "query_date")![1];

describe("the report's CSV", () => {
  it.each(downloads.map((p) => [p.n, p] as const))("recorded download %i reads back to exactly its bytes, whole", (_n, p) => {
    const records = parse(Buffer.from(p.body), dateOf(p));
    expect(csv(records)).toBe(p.body);
  });

  it("reads every recorded download the same way whatever the chunk boundaries", () => {
    for (const p of downloads) {
      const body = Buffer.from(p.body);
      const whole = parse(body, dateOf(p));
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 12 }), (cuts) => {
          expect(parse(body, dateOf(p), cuts)).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    }
  });

  it("keeps a response's own quotes and line breaks, and loses only the spaces VICIdial deleted", () => {
    const p = downloads.find((d) => d.n === 2)!;
    const [first, second, third] = parse(Buffer.from(p.body), "2026-11-27");
    expect(first!.url_response).toBe('Fri, 27 Nov 2026 14:02:10 -0500|line one\r\nline"two"\n');
    // The table holds `line "two"`: the space next to the quote never left VICIdial.
    expect(transcript.initial_state.vicidial_url_log[5]!.url_response).toContain('line "two"');
    expect(second).toMatchObject({ response_sec: 60, url: "https://backup.example.com/hook?lead=1005" });
    expect(third!.url_type).toBe("na_callurl");
  });

  it("reads an empty body as no rows, and refuses a body that is not the CSV", () => {
    expect(parse(Buffer.alloc(0), "2026-11-28")).toEqual([]);
    expect(() => parse(Buffer.from("<html>Login portal</html>\n".repeat(20)), "2026-11-28")).toThrow(/not its CSV/);
  });

  it("takes a response line that only looks like another day's record as response text", () => {
    const body =
      CSV_HEADER +
      '"1.1","2026-11-26 09:00:00","dispo","0","https://a.example/x","Thu, 26 Nov 2026 09:00:01 -0500|export:\n"9.9","2025-01-01 00:00:00","dispo","0","x","y"\n"\n';
    const records = parse(Buffer.from(body), "2026-11-26");
    expect(records).toHaveLength(1);
    expect(records[0]!.url_response).toContain('"9.9","2025-01-01 00:00:00"');
  });

  it("decodes a character split between two chunks", () => {
    const body = Buffer.from(
      `${CSV_HEADER}"1.1","2026-11-26 09:00:00","dispo","0","https://a.example/x","Thu, 26 Nov 2026 09:00:01 -0500|Grüße €"\n`,
    );
    const at = body.indexOf("€") + 1;
    expect(parse(body, "2026-11-26", [at])[0]!.url_response).toMatch(/Grüße €$/);
  });
});

describe("the report's refusals", () => {
  const res = (status: number, body: string) => ({ status, contentType: "text/html; charset=utf-8", body });

  it("judges the report's own 401 a missing right after a good login, and a real 401 a failed login", () => {
    const own = judgeReportRefusal(res(401, "You are not allowed to view this report: |rptlimit|URL Log Report|\n"), "x");
    expect(own.login).toBe("good");
    expect(own.error.code).toBe("PERMISSION_DENIED");
    expect(own.error.fix).toMatch(/Allowed Reports/);
    const wrong = judgeReportRefusal(res(401, "Login incorrect, please try again: |6666|***|BAD|\n"), "x");
    expect(wrong).toMatchObject({ login: "failed", error: { code: "AUTH_FAILED" } });
  });

  it("judges View Reports off a missing right and the lock a failed login", () => {
    const off = judgeReportRefusal(res(200, "You are not allowed to view reports: |nomodify|GOOD|\n"), "x");
    expect(off).toMatchObject({ login: "good", error: { code: "PERMISSION_DENIED" } });
    expect(off.error.fix).toMatch(/"View Reports" = 1/);
    const locked = judgeReportRefusal(res(200, "Too many login attempts, try again in 15 minutes: |6666|LOCK|\n"), "x");
    expect(locked).toMatchObject({ login: "failed", error: { code: "ACCOUNT_LOCKED" } });
    expect(judgeReportRefusal(res(200, "<HTML>the form</HTML>\n"), "x")).toMatchObject({
      login: "neutral",
      error: { code: "UNEXPECTED_RESPONSE" },
    });
  });
});

describe("outcomes", () => {
  const date = "Thu, 26 Nov 2026 09:05:13 -0500|";
  const php = (reason: string) =>
    `${date}PHP ERROR: Type=2 - Message=file(https://crm.example.com/x?a=1): Failed to open stream: ${reason} - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php`;

  it.each([
    ["HTTP request failed! HTTP/1.1 500 Internal Server Error\r\n", 0, /^HTTP 500 Internal Server Error/],
    ["Connection refused", 0, /^connection refused/],
    ["php_network_getaddresses: getaddrinfo for crm.invalid failed: Name or service not known", 0, /^unknown host: crm\.invalid/],
    ["HTTP request failed!", 60, /^timeout: .*took 60 s/],
    ["operation failed", 0, /^TLS/],
    ["No such file or directory", 0, /^not a web address/],
  ])("a dispo row failing with %j reads as failed: %s", (reason, sec, error) => {
    const r = readOutcome("dispo", php(reason), sec);
    expect(r.outcome).toBe("failed");
    expect(r.error).toMatch(error);
    expect(r.response.startsWith("PHP ERROR:")).toBe(true);
  });

  it("reads an empty 200 (logged with an unrelated warning) as an empty answer", () => {
    const r = readOutcome(
      "dispo",
      `${date}PHP ERROR: Type=2 - Message=Undefined variable $DB - Line=213 - File=/srv/www/htdocs/agc/functions.php`,
      0,
    );
    expect(r).toMatchObject({ outcome: "failed" });
    expect(r.error).toMatch(/^empty answer: .*Undefined variable \$DB/);
  });

  it("reads a body as answered without VICIdial's date, an empty response as never fetched", () => {
    expect(readOutcome("dispo", `${date}{"status":"ok"}\n`, 0)).toEqual({
      outcome: "answered",
      response: '{"status":"ok"}\n',
      error: null,
    });
    const never = readOutcome("dispo", "", 0);
    expect(never.outcome).toBe("not_fetched");
    expect(never.error).toMatch(/browser never asked/);
    expect(readOutcome("start", "popup queued\n", 0)).toMatchObject({ outcome: "answered", response: "popup queued\n" });
  });

  it("reads a no-agent row's body before wget's log, and a missing body from the log", () => {
    const ok = readOutcome(
      "noagent",
      '{"ok":true}!|--2026-11-27 14:10:00--https://crm.example.com/drop!Connecting to x|192.0.2.10|:443... connected.!!',
      0,
    );
    expect(ok).toMatchObject({ outcome: "answered", response: '{"ok":true}!' });
    const refused = readOutcome(
      "noagent",
      "<RESPONSE EMPTY>|--2026-11-27 14:10:00--https://crm.example.com/drop!failed: Connection refused.!!",
      0,
    );
    expect(refused).toMatchObject({ outcome: "failed" });
    expect(refused.error).toMatch(/^connection refused/);
    expect(readOutcome("noagent", "<RESPONSE EMPTY>|--2026-11-27 14:10:00--x!ERROR 404: Not Found.!!", 0).error).toMatch(/^HTTP 404/);
  });
});

describe("attribution", () => {
  const row = (id: number, url: string, extra: Partial<AltUrl> = {}): AltUrl => ({
    id,
    campaign_id: "2001",
    url_type: "dispo",
    entry_type: "campaign",
    active: true,
    rank: 1,
    statuses: ["SALE"],
    all_statuses: false,
    description: "",
    lists: [],
    min_call_length: 0,
    url,
    ...extra,
  });

  it("matches a filled URL to its template and reads the values back decoded", () => {
    const m = new TemplateMatcher(
      [row(1, "https://crm.example.com/hook?lead=--A--lead_id--B--&name=--A--first_name--B--&s=--A--dispo--B--")],
      "dispo",
    );
    const a = m.match(`https://crm.example.com/hook?lead=77&name=${phpUrlencode("Zoë & Co")}&s=SALE`)!;
    expect(a.row.id).toBe(1);
    expect(a.variables()).toEqual({ lead_id: "77", first_name: "Zoë & Co", dispo: "SALE" });
    expect(m.match("https://other.example.com/hook?lead=77")).toBeNull();
  });

  it("decodes any value PHP's urlencode wrote", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (v) => {
        expect(phpUrldecode(phpUrlencode(v))).toBe(v);
      }),
    );
  });

  it("applies each type's changes to the literal part: VAR dropped, ; removed on start, spaces as + on no-agent", () => {
    const start = new TemplateMatcher([row(2, "VARhttps://crm.example.com/pop;x?lead=--A--lead_id--B--", { url_type: "start" })], "start");
    expect(start.match("https://crm.example.com/popx?lead=5")?.row.id).toBe(2);
    const na = new TemplateMatcher([row(3, "https://crm.example.com/drop page?l=--A--lead_id--B--|x", { url_type: "noagent" })], "noagent");
    expect(na.match("https://crm.example.com/drop+page?l=9x")?.variables()).toEqual({ lead_id: "9" });
  });

  it("prefers the more literal template, then the row whose entry and statuses agree", () => {
    const m = new TemplateMatcher(
      [
        row(1, "https://log.example.com/d?c=--A--campaign--B--&s=--A--dispo--B--", { all_statuses: true, statuses: ["---ALL---"] }),
        row(9, "https://log.example.com/d?c=--A--campaign--B--&s=--A--dispo--B--", { campaign_id: "3001" }),
        row(4, "https://log.example.com/d?c=--A--campaign--B--"),
      ],
      "dispo",
    );
    expect(m.match("https://log.example.com/d?c=3001&s=SALE")?.row.id).toBe(9);
    const first = m.match("https://log.example.com/d?c=2001&s=NI")!;
    expect(first.row.id).toBe(1);
    expect(first.alsoFits).toEqual([]);
  });

  it("names the values that filled pass and phone_pass, encoded and decoded", () => {
    const m = new TemplateMatcher(
      [row(5, "https://crm.example.com/x?u=--A--user--B--&pw=--A--pass--B--&pp=--A--PHONE_PASS--B--")],
      "dispo",
    );
    const a = m.match(`https://crm.example.com/x?u=agent1&pw=${phpUrlencode("s3cr3t pw!")}&pp=1234`)!;
    expect(a.secrets()).toEqual(expect.arrayContaining(["s3cr3t+pw%21", "s3cr3t pw!", "1234"]));
  });
});

describe("the tally", () => {
  const record = (i: number, response: string): UrlLogRecord => ({
    uniqueid: `1.${i}`,
    url_date: `2026-11-26 09:00:${String(i % 60).padStart(2, "0")}`,
    url_type: "dispo",
    response_sec: i % 7,
    url: `https://crm.example.com/x?lead=${i}`,
    url_response: response,
  });

  it("masks the password before it cuts the response at 500 characters", () => {
    const secret = "Srv-Pass_0042";
    const tally = new DeliveryTally({ limit: 5, urlType: "dispo", secrets: [secret] });
    tally.startDay();
    // The password straddles character 500: cut first, its first half would show.
    const text = `${"a".repeat(495)}${secret}${"b".repeat(100)}`;
    tally.add(record(1, text), null, { outcome: "answered", response: text, error: null });
    tally.endDay();
    const [d] = tally.deliveries();
    expect(d!.response).toBe(`${"a".repeat(495)}***bb`);
    expect(d!.response).not.toContain("Srv-P");
  });

  it("keeps only the newest `limit` while counting every delivery, and the slowest apart", () => {
    const tally = new DeliveryTally({ limit: 3, urlType: "dispo", secrets: [] });
    tally.startDay();
    for (let i = 0; i < 1000; i++)
      tally.add(record(i, "OK"), null, { outcome: i % 4 ? "answered" : "failed", response: "OK", error: null });
    tally.endDay();
    expect(tally.deliveries().map((d) => d.uniqueid)).toEqual(["1.999", "1.998", "1.997"]);
    expect(tally.truncated).toBe(true);
    const s = tally.summary(0);
    expect(s.total).toBe(1000);
    expect(s.by_outcome).toEqual({ answered: 750, failed: 250, not_fetched: 0 });
    expect(s.slowest.map((x) => x.response_sec)).toEqual([6, 6, 6, 6, 6]);
  });
});
