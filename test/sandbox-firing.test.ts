/**
 * The dispo-firing simulator against a real HTTP server the test starts on
 * loopback: which setting a call uses, which rows pass the three filters and
 * in what order (VICIdial 2.14's recorded sixteen-row example), how each
 * outcome is written into vicidial_url_log, and the rows read back through
 * the URL Log Report's CSV.
 */
import { spawnSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, type SandboxAltUrl, type SandboxSeed, seedFromTranscript, startSandbox } from "../src/sandbox/index.js";
import { adminUser } from "./helpers/sandboxUsers.js";

interface Seen {
  path: string;
  rawHead: string;
  headers: IncomingMessage["headers"];
  startedAt: number;
  endedAt?: number;
}

/** A target web server: each path answers one way, and every request is recorded with its raw head. */
async function startTarget(): Promise<{ server: Server; base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const record: Seen = { path: req.url ?? "", rawHead: "", headers: req.headers, startedAt: Date.now() };
    record.rawHead = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${req.rawHeaders.reduce((s, v, i) => s + v + (i % 2 ? "\r\n" : ": "), "")}`;
    seen.push(record);
    res.on("finish", () => {
      record.endedAt = Date.now();
    });
    const path = (req.url ?? "").split("?")[0];
    const answer = (status: number, body: string, delayMs = 0) => setTimeout(() => res.writeHead(status).end(body), delayMs);
    if (path === "/slow-ok") return answer(200, "slow but fine\n", 250);
    if (path === "/500") return answer(500, "the error page is not kept");
    if (path === "/404") return answer(404, "missing");
    if (path === "/empty") return answer(200, "");
    if (path === "/multi") return answer(200, "line one;\r\nline; two\n");
    if (path === "/hang") return answer(200, "too late", 5000);
    if (path === "/redirect") return res.writeHead(302, { Location: "/ok?after=redirect" }).end();
    return answer(200, `{"ok":true,"path":"${path}"}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The report's CSV read the way VICIdial 2.14 writes it: a record starts at each line that begins with "<uniqueid>","<date>",". */
function readCsv(body: string): string[][] {
  const lines = body.split("\n");
  expect(lines[0]).toBe('"UNIQUE ID","URL DATE","URL TYPE","RESP SEC","URL","URL RESPONSE"');
  const records: string[] = [];
  for (const line of lines.slice(1, -1)) {
    if (/^"[^"]*","\d{4}-\d\d-\d\d \d\d:\d\d:\d\d","/.test(line)) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  return records.map((r) => {
    const parts = r.split('","');
    const response = parts.slice(5).join('","');
    return [...parts.slice(0, 5).map((p) => p.replace(/^"/, "")), response.replace(/"$/, "")];
  });
}

const row = (url_id: number, fields: Partial<SandboxAltUrl>): SandboxAltUrl => ({
  url_id,
  campaign_id: "ALTTEST",
  entry_type: "campaign",
  active: "Y",
  url_type: "dispo",
  url_rank: 1,
  url_statuses: "SALE",
  url_description: `row ${url_id}`,
  url_lists: "",
  url_call_length: 0,
  url_address: "",
  ...fields,
});

let target: Awaited<ReturnType<typeof startTarget>>;
let refusedPort: number;
let sandbox: Sandbox;
const url = (name: string) => `${target.base}/${name}?lead=--A--lead_id--B--&s=--A--dispo--B--&talk=--A--talk_time--B--`;

/** The recorded example's sixteen rows (a to p), plus in-groups covering each setting. */
function exampleSeed(): SandboxSeed {
  const seed = seedFromTranscript({
    user_groups: [{ user_group: "ADMIN", allowed_campaigns: " -ALL-CAMPAIGNS- - -", allowed_reports: "ALL REPORTS" }],
    users: [adminUser({ user: "6666", pass: "1234" })],
    campaigns: [
      { campaign_id: "ALTTEST", campaign_name: "Alt URL test campaign", active: "Y", dispo_call_url: "ALT" },
      { campaign_id: "PLAIN", campaign_name: "Plain dispo URL", active: "Y", dispo_call_url: `${target.base}/plain?l=--A--lead_id--B--` },
      { campaign_id: "SHORT", campaign_name: "Too short a URL", active: "Y", dispo_call_url: "http://" },
    ],
    inbound_groups: [
      { group_id: "TESTIN", dispo_call_url: "ALT" },
      { group_id: "CAMPIN", dispo_call_url: "CAMP" },
      { group_id: "EMPTYIN", dispo_call_url: "" },
      { group_id: "NULLIN", dispo_call_url: null },
    ],
  });
  seed.vicidial_url_multi = [
    row(1, { url_rank: 0, url_address: url("slow-ok") }), // a: the slow one, first
    row(2, { url_rank: 1, url_address: url("b") }), // b
    row(3, { url_rank: 1, url_address: url("c") }), // c: same rank as b, inserted after it
    row(4, { url_rank: 2, url_statuses: "SALE PSALE", url_lists: "1002", url_address: url("d") }),
    row(5, { url_rank: 3, url_statuses: "---ALL---", url_call_length: 40, url_address: url("e") }),
    row(6, { url_rank: 3, url_statuses: "sale", url_address: url("f") }),
    row(7, { url_rank: 4, url_statuses: "NI,SALE", url_address: url("g") }),
    row(8, { url_rank: 5, active: "N", url_address: url("h") }),
    row(9, { url_rank: 6, url_lists: "1001 1002", url_call_length: 35, url_address: url("500") }), // i
    row(10, { url_rank: 7, url_address: `http://127.0.0.1:${refusedPort}/j` }), // j
    row(11, { url_rank: 8, url_address: url("empty") }), // k
    row(12, { url_rank: 9, url_statuses: " SALE ", url_address: url("l") }),
    row(13, { url_rank: 10, url_address: url("m") }),
    row(14, { url_rank: 11, url_statuses: "CALLBK", url_address: url("n") }),
    row(15, { campaign_id: "1001", entry_type: "list", url_address: url("o") }),
    row(16, { campaign_id: "TESTIN", entry_type: "ingroup", url_address: url("p") }),
    row(17, { url_rank: 12, url_statuses: "CBHOLD", url_address: url("cbhold") }),
  ];
  seed.next_url_id = 18;
  return seed;
}

beforeAll(async () => {
  target = await startTarget();
  refusedPort = await closedPort();
  sandbox = await startSandbox({ seed: exampleSeed(), fetchTimeoutMs: 2000 });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => target.server.close(() => resolve()));
});

const LEAD = { lead_id: 101, list_id: 1001 };

describe("the recorded example: outbound SALE on ALTTEST, list 1001, talk 45 s with 10 s dead", () => {
  it("queues exactly a, b, c, i, j, k, l, m in that order and fetches them one after another", async () => {
    target.seen.length = 0;
    const result = await sandbox.fireDisposition({ campaign_id: "ALTTEST", status: "SALE", lead: LEAD, talk_sec: 45, dead_sec: 10 });

    expect(result.setting).toEqual({ entry_type: "campaign", id: "ALTTEST", dispo_call_url: "ALT" });
    expect(result.talk_time).toBe(35);
    expect(result.queued.map((q) => q.url_id)).toEqual([1, 2, 3, 9, 10, 11, 12, 13]);
    expect(result.skipped).toEqual([
      { url_id: 4, reason: "list" },
      { url_id: 5, reason: "call_length" },
      { url_id: 6, reason: "status" },
      { url_id: 7, reason: "status" },
      { url_id: 14, reason: "status" },
      { url_id: 17, reason: "status" },
    ]);
    expect(result.queued[1]!.url).toBe(`${target.base}/b?lead=101&s=SALE&talk=35`);

    // j was refused, so the target saw seven requests, each after the one before had been answered.
    expect(target.seen.map((s) => s.path.split("?")[0])).toEqual(["/slow-ok", "/b", "/c", "/500", "/empty", "/l", "/m"]);
    for (let i = 1; i < target.seen.length; i++) expect(target.seen[i]!.startedAt).toBeGreaterThanOrEqual(target.seen[i - 1]!.endedAt!);

    const byPath = new Map(result.fetched.map((f) => [new URL(f.url).pathname, f]));
    const datePrefix = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0500\|/;
    for (const f of result.fetched) expect(f.url_response).toMatch(datePrefix);
    expect(byPath.get("/slow-ok")!.url_response).toMatch(/\|slow but fine\n$/);
    expect(byPath.get("/500")!.url_response.replace(datePrefix, "")).toBe(
      `PHP ERROR: Type=2 - Message=file(${target.base}/500?lead=101&s=SALE&talk=35): Failed to open stream: ` +
        "HTTP request failed! HTTP/1.1 500 Internal Server Error\r\n - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php",
    );
    expect(byPath.get("/j")!.url_response.replace(datePrefix, "")).toBe(
      `PHP ERROR: Type=2 - Message=file(http://127.0.0.1:${refusedPort}/j): Failed to open stream: Connection refused - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php`,
    );
    expect(byPath.get("/empty")!.url_response.replace(datePrefix, "")).toBe(
      "PHP ERROR: Type=2 - Message=Undefined variable $DB - Line=213 - File=/srv/www/htdocs/agc/functions.php",
    );
    expect(result.fetched.map((f) => f.outcome)).toEqual([
      "answered",
      "answered",
      "answered",
      "failed",
      "failed",
      "failed",
      "answered",
      "answered",
    ]);

    // The log rows hold the same, under the call's uniqueid.
    const log = sandbox.urlLog().filter((r) => result.url_log_ids.includes(r.url_log_id));
    expect(log.map((r) => [r.uniqueid, r.url_type, r.url_response])).toEqual(
      result.fetched.map((f) => [result.uniqueid, "dispo", f.url_response]),
    );
  });

  it("sends what PHP's file() sends: GET, HTTP/1.1, Host and Connection: close, no User-Agent; follows redirects", async () => {
    target.seen.length = 0;
    const s2 = await startSandbox({
      seed: { ...exampleSeed(), vicidial_url_multi: [row(1, { url_address: `${target.base}/redirect?lead=--A--lead_id--B--` })] },
    });
    try {
      const result = await s2.fireDisposition({ campaign_id: "ALTTEST", status: "SALE", lead: LEAD, talk_sec: 1 });
      expect(result.fetched[0]!.url_response).toMatch(/\|\{"ok":true,"path":"\/ok"\}\n$/);
      expect(target.seen.map((s) => s.path)).toEqual(["/redirect?lead=101", "/ok?after=redirect"]);
      const host = target.base.replace("http://", "");
      expect(target.seen[0]!.rawHead).toBe(`GET /redirect?lead=101 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`);
      expect(target.seen[0]!.headers["user-agent"]).toBeUndefined();
    } finally {
      await s2.close();
    }
  });
});

describe("which setting a call uses", () => {
  it("an in-group set to CAMP uses the campaign's rows (the call's group stays the in-group)", async () => {
    const r = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      ingroup_id: "CAMPIN",
      status: "SALE",
      lead: LEAD,
      talk_sec: 45,
      dead_sec: 10,
      browser_fetches: false,
    });
    expect(r.setting).toEqual({ entry_type: "campaign", id: "ALTTEST", dispo_call_url: "ALT" });
    expect(r.queued.map((q) => q.url_id)).toEqual([1, 2, 3, 9, 10, 11, 12, 13]);
  });

  it("an in-group in ALT fires only its own rows; an empty or NULL in-group dispo URL fires nothing", async () => {
    const own = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      ingroup_id: "testin",
      status: "SALE",
      lead: LEAD,
      talk_sec: 45,
      browser_fetches: false,
    });
    expect(own.setting).toEqual({ entry_type: "ingroup", id: "TESTIN", dispo_call_url: "ALT" });
    expect(own.queued.map((q) => q.url_id)).toEqual([16]);
    for (const ingroup_id of ["EMPTYIN", "NULLIN"]) {
      const none = await sandbox.fireDisposition({ campaign_id: "ALTTEST", ingroup_id, status: "SALE", lead: LEAD, talk_sec: 45 });
      expect(none.setting.entry_type).toBe("ingroup");
      expect([none.queued, none.fetched]).toEqual([[], []]);
    }
  });

  it("a stage that is no in-group's id is an outbound call; a plain URL fires for any status, one of 7 characters never", async () => {
    const outbound = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      ingroup_id: "NOSUCH",
      status: "SALE",
      lead: LEAD,
      talk_sec: 45,
      browser_fetches: false,
    });
    expect(outbound.setting.entry_type).toBe("campaign");
    const plain = await sandbox.fireDisposition({
      campaign_id: "PLAIN",
      status: "ANYTHING",
      lead: { lead_id: 7, list_id: 9 },
      talk_sec: 0,
    });
    expect(plain.queued).toEqual([{ url_log_id: plain.url_log_ids[0], url_id: null, url: `${target.base}/plain?l=7` }]);
    expect(plain.fetched[0]!.outcome).toBe("answered");
    const short = await sandbox.fireDisposition({ campaign_id: "SHORT", status: "SALE", lead: LEAD, talk_sec: 0 });
    expect(short.queued).toEqual([]);
  });

  it("a scheduled callback matches rows listing CBHOLD, and the chosen status fills callback_lead_status", async () => {
    const r = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      status: "CALLBK",
      callback: true,
      lead: LEAD,
      talk_sec: 50,
      browser_fetches: false,
    });
    expect(r.status).toBe("CBHOLD");
    expect(r.queued.map((q) => q.url_id)).toEqual([5, 17]);
    expect(r.queued[1]!.url).toBe(`${target.base}/cbhold?lead=101&s=CBHOLD&talk=50`);
  });
});

describe("outcomes and template variables", () => {
  async function fireOne(
    address: string,
    lead: Record<string, string | number> = {},
    extra: { fetch_timeout_ms?: number; ingroup_id?: string } = {},
  ) {
    const sb = await startSandbox({ seed: { ...exampleSeed(), vicidial_url_multi: [row(1, { url_address: address })] } });
    try {
      const r = await sb.fireDisposition({ campaign_id: "ALTTEST", status: "SALE", lead: { ...LEAD, ...lead }, talk_sec: 3, ...extra });
      return { result: r, response: r.fetched[0]!.url_response.replace(/^[^|]*\|/, ""), fetched: r.fetched[0]! };
    } finally {
      await sb.close();
    }
  }

  it("a multi-line body keeps its line breaks and loses every ;", async () => {
    expect((await fireOne(`${target.base}/multi`)).response).toBe("line one\r\nline two\n");
  });

  it("a target silent beyond the limit is a timeout", async () => {
    const { response, fetched } = await fireOne(`${target.base}/hang`, {}, { fetch_timeout_ms: 300 });
    expect(response).toBe(
      `PHP ERROR: Type=2 - Message=file(${target.base}/hang): Failed to open stream: HTTP request failed! - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php`,
    );
    expect(fetched.response_sec).toBeLessThanOrEqual(1);
  });

  it("TLS to a plain HTTP port fails as 'operation failed'; no http:// is a file; unknown hosts name the lookup", async () => {
    const tls = await fireOne(target.base.replace("http://", "https://") + "/ok");
    expect(tls.response).toMatch(/Failed to open stream: operation failed - Line=17131/);
    expect((await fireOne("crm.example.com/hook")).response).toBe(
      "PHP ERROR: Type=2 - Message=file(crm.example.com/hook): Failed to open stream: No such file or directory - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php",
    );
    expect((await fireOne("http://crm.invalid/x")).response).toMatch(
      /Failed to open stream: php_network_getaddresses: getaddrinfo for crm\.invalid failed: (Name or service not known|Temporary failure in name resolution) - Line=/,
    );
    expect((await fireOne(`${target.base}/404`)).response).toMatch(/HTTP request failed! HTTP\/1\.1 404 Not Found\r\n - Line=/);
  });

  it("fills variables case-insensitively with PHP urlencode, unknown names empty, and drops a leading VAR", async () => {
    const { result } = await fireOne(
      `VAR${target.base}/v?n=--A--First_Name--B--&e=--a--email--b--&u=--A--no_such_field--B--&c=--A--campaign--B--&d=--A--dispo--B--&g=--A--group--B--`,
      { first_name: "Zoë O'Neil & co", email: "a+b@example.com" },
      { ingroup_id: "CAMPIN" },
    );
    expect(result.setting.entry_type).toBe("campaign");
    expect(result.queued[0]!.url).toBe(`${target.base}/v?n=Zo%C3%AB+O%27Neil+%26+co&e=a%2Bb%40example.com&u=&c=ALTTEST&d=SALE&g=CAMPIN`);
  });
});

describe("queued, then fetched", () => {
  it("browser_fetches: false leaves the rows queued and empty; runUrls fetches them later", async () => {
    const r = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      status: "SALE",
      lead: LEAD,
      talk_sec: 45,
      dead_sec: 10,
      browser_fetches: false,
    });
    expect(r.fetched).toEqual([]);
    const queued = sandbox.urlLog().filter((row) => r.url_log_ids.includes(row.url_log_id));
    expect(queued).toHaveLength(8);
    expect(queued.every((row) => row.url_response === "" && row.response_sec === 0 && row.url_type === "dispo")).toBe(true);
    expect(new Set(queued.map((row) => row.url_date)).size).toBe(1);

    const later = await sandbox.runUrls(r.url_log_ids.slice(0, 2));
    expect(later.map((f) => f.outcome)).toEqual(["answered", "answered"]);
    expect(sandbox.urlLog().find((row) => row.url_log_id === r.url_log_ids[2])!.url_response).toBe("");
  });

  it("the rows read back through the report's CSV over HTTP", async () => {
    const r = await sandbox.fireDisposition({
      campaign_id: "ALTTEST",
      status: "SALE",
      lead: { lead_id: 555, list_id: 1001 },
      talk_sec: 45,
      dead_sec: 10,
    });
    const day = sandbox
      .urlLog()
      .find((row) => row.url_log_id === r.url_log_ids[0])!
      .url_date.slice(0, 10);
    const res = await fetch(
      `${sandbox.url}/vicidial/AST_url_log_report.php?query_date=${day}&url_type[]=dispo&SUBMIT=SUBMIT&file_download=1`,
      {
        headers: { Authorization: "Basic " + Buffer.from("6666:1234").toString("base64") },
      },
    );
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="AST_url_log_report_\d{8}-\d{6}\.csv"$/);
    const records = readCsv(await res.text()).filter((rec) => rec[0] === r.uniqueid);
    expect(records.map((rec) => rec[4])).toEqual(r.fetched.map((f) => f.url));
    // The CSV deletes spaces next to a quote; these responses hold none, so they come back whole.
    expect(records.map((rec) => rec[5])).toEqual(r.fetched.map((f) => f.url_response));
    expect(records.every((rec) => rec[2] === "dispo")).toBe(true);
  });
});

describe("closing", () => {
  it("close() ends a fetch in flight promptly; the row stays as queued", async () => {
    const sb = await startSandbox({ seed: { ...exampleSeed(), vicidial_url_multi: [row(1, { url_address: `${target.base}/hang` })] } });
    const pending = sb.fireDisposition({ campaign_id: "ALTTEST", status: "SALE", lead: LEAD, talk_sec: 1, fetch_timeout_ms: 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await sb.close();
    const result = await pending;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(result.queued).toHaveLength(1);
    expect(result.fetched).toEqual([]);
    expect(sb.urlLog()[sb.urlLog().length - 1]).toMatchObject({ url_response: "", response_sec: 0 });
  });
});

describe("the control endpoint", () => {
  const post = (path: string, body: string) =>
    fetch(`${sandbox.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body });

  it("fires over HTTP with a JSON body and answers the result as JSON", async () => {
    const res = await post(
      "/sandbox/fire-disposition",
      JSON.stringify({
        campaign_id: "ALTTEST",
        status: "SALE",
        lead: { lead_id: 9, list_id: 1001 },
        talk_sec: 45,
        dead_sec: 10,
        browser_fetches: false,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const json = (await res.json()) as { queued: { url_id: number }[]; fetched: unknown[] };
    expect(json.queued.map((q) => q.url_id)).toEqual([1, 2, 3, 9, 10, 11, 12, 13]);
    expect(json.fetched).toEqual([]);

    const run = await post(
      "/sandbox/run-urls",
      JSON.stringify({ url_log_ids: [(json.queued[1] as unknown as { url_log_id: number }).url_log_id] }),
    );
    expect(((await run.json()) as { fetched: { outcome: string }[] }).fetched.map((f) => f.outcome)).toEqual(["answered"]);
  });

  it("refuses bad input with 400 naming the field, other methods with 405, other paths with 404", async () => {
    const bad = await post(
      "/sandbox/fire-disposition",
      JSON.stringify({ campaign_id: "ALTTEST", status: "SALE", lead: { lead_id: 1, list_id: 1 }, talk_sec: 1, colour: "red" }),
    );
    expect([bad.status, ((await bad.json()) as { field: string }).field]).toEqual([400, "colour"]);
    const unknown = await post(
      "/sandbox/fire-disposition",
      JSON.stringify({ campaign_id: "NOPE", status: "SALE", lead: { lead_id: 1, list_id: 1 }, talk_sec: 1 }),
    );
    expect([unknown.status, ((await unknown.json()) as { field: string }).field]).toEqual([400, "campaign_id"]);
    expect((await post("/sandbox/fire-disposition", "{not json")).status).toBe(400);
    expect((await fetch(`${sandbox.url}/sandbox/fire-disposition`)).status).toBe(405);
    expect((await post("/sandbox/nothing", "{}")).status).toBe(404);
    // Controls are not VICIdial requests: they stay out of the request log.
    expect(sandbox.stats().log.some((r) => r.path.startsWith("/sandbox/"))).toBe(false);
  });

  it("is described in the sandbox CLI's help (npm test builds dist first)", () => {
    const help = spawnSync(process.execPath, [new URL("../dist/sandbox/cli.js", import.meta.url).pathname, "--help"], { encoding: "utf8" });
    // --help is an answer, not an error: stdout and exit status 0.
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("POST http://HOST:PORT/sandbox/fire-disposition");
    expect(help.stdout).toContain("browser_fetches? (false: queue only)");
    expect(help.stdout).toContain("POST http://HOST:PORT/sandbox/run-urls");
  });
});
