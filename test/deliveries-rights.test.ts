/**
 * list_url_deliveries and the report's rights, over stdio (one server per
 * describe, one user each): the report's own 401 after a good login is a
 * missing right that never trips the login stop; View Reports off; a wrong
 * password on the report is one failed login and stops everything; level 7
 * is enough and never costs an admin-page login. Then random passwords,
 * agent and server, never reach a url or response.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { closedPort, deliveriesSeed, localDay, reportRequests, type Shown } from "./helpers/deliveries.js";
import { call, type Spawned, spawnStdio } from "./helpers/harness.js";
import { adminUser } from "./helpers/sandboxUsers.js";

// The server's own password for the last describe: VICIdial keeps letters, digits, - and _.
const SERVER_PASS = fc.sample(fc.stringMatching(/^[A-Za-z0-9_-]{10,16}$/), { numRuns: 1, seed: Date.now() })[0]!;

let sandbox: Sandbox;
beforeAll(async () => {
  const seed = deliveriesSeed(await closedPort(), await closedPort(), [adminUser({ user: "rnduser", pass: SERVER_PASS })]);
  sandbox = await startSandbox({ seed });
});
afterAll(async () => {
  await sandbox?.close();
});

const spawnAs = (user: string, pass: string) => spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: user, VICIDIAL_PASS: pass });
const failed = (user: string) => sandbox.stats().failedLogins[user] ?? 0;

describe("a user whose group may not view the URL Log Report (rptlimit)", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnAs("rptlimit", "rptlimit1");
  });
  afterAll(() => srv?.close());

  it("is PERMISSION_DENIED naming Allowed Reports, costs no failed login and stops nothing", async () => {
    const r = await call(srv.client, "list_url_deliveries", {});
    expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(r.structured.error!.fix).toMatch(/User Groups > .*"URL Log Report".*"Allowed Reports"/);
    expect(r.structured.error!.cause).toMatch(/not a failed login/);
    expect(
      reportRequests(sandbox)
        .filter((q) => q.user === "rptlimit")
        .map((q) => q.status),
    ).toEqual([401]);
    expect(failed("rptlimit")).toBe(0);
    // The 401 came after a good login: the server keeps working.
    const list = await call(srv.client, "list_campaigns");
    expect(list.isError, list.text).toBe(false);
    const again = await call(srv.client, "list_url_deliveries", { date: localDay(sandbox, -1) });
    expect(again.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(failed("rptlimit")).toBe(0);
  });

  it("check_connection reports the missing report right with its fix, the login as good", async () => {
    const r = await call(srv.client, "check_connection");
    const checks = r.structured.checks as { name: string; ok: boolean; detail: string; fix?: string }[];
    const report = checks.find((c) => c.name.startsWith("URL Log Report right"))!;
    expect(report).toMatchObject({ ok: false });
    expect(report.detail).toMatch(/^PERMISSION_DENIED/);
    expect(report.fix).toMatch(/Allowed Reports/);
    expect(checks.find((c) => c.name === "login")?.ok).toBe(true);
    expect(r.structured.ok).toBe(false);
    expect(failed("rptlimit")).toBe(0);
  });
});

describe("a user with View Reports off", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnAs("noreports", "noreports1");
  });
  afterAll(() => srv?.close());

  it("is PERMISSION_DENIED naming View Reports on the user's screen", async () => {
    const r = await call(srv.client, "list_url_deliveries", {});
    expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(r.structured.error!.fix).toMatch(/Users > .*"View Reports" = 1/);
    expect(failed("noreports")).toBe(0);
  });
});

describe("a wrong password, met first on the report", () => {
  let srv: Spawned;
  beforeAll(async () => {
    sandbox.resetFailedLogins("6666");
    srv = await spawnAs("6666", "not-the-password");
  });
  afterAll(async () => {
    await srv?.close();
    sandbox.resetFailedLogins("6666");
  });

  it("counts one failed login and stops: the next call sends nothing", async () => {
    sandbox.resetStats();
    const r = await call(srv.client, "list_url_deliveries", {});
    expect(r.structured.error).toMatchObject({ code: "AUTH_FAILED" });
    expect(r.text).not.toContain("not-the-password");
    expect(reportRequests(sandbox)).toEqual([{ user: "6666", date: undefined, status: 401 }]);
    expect(failed("6666")).toBe(1);
    const sent = sandbox.stats().requests;
    const again = await call(srv.client, "list_url_deliveries", { date: localDay(sandbox, -1) });
    expect(again.structured.error).toMatchObject({ code: "AUTH_FAILED" });
    const other = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
    expect(other.structured.error).toMatchObject({ code: "AUTH_FAILED" });
    expect(sandbox.stats().requests).toBe(sent);
    expect(failed("6666")).toBe(1);
  });
});

describe("a level-7 user (apilow): the report is enough, the admin page is never tried", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnAs("apilow", "lowpass1");
  });
  afterAll(() => srv?.close());

  it("reads deliveries, unattributed with a warning, and costs no failed login", async () => {
    const r = await call(srv.client, "list_url_deliveries", { date: localDay(sandbox, -2) });
    expect(r.isError, r.text).toBe(false);
    const ds = r.structured.deliveries as Shown[];
    expect(ds.length).toBe(5);
    expect(ds.every((d) => d.alt_url_id === null)).toBe(true);
    expect((r.structured.warnings as string[]).join(" ")).toMatch(/alt_url_id null/);
    expect(failed("apilow")).toBe(0);
    expect(sandbox.stats().log.some((q) => q.path.includes("admin_url_multi") && q.basicUser === "apilow")).toBe(false);
  });
});

describe("random passwords never reach a url or a response", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnAs("rnduser", SERVER_PASS);
    const set = await call(srv.client, "set_alt_url", {
      campaign_id: "4001",
      statuses: ["PWTEST"],
      url: "https://crm.example.com/agent?lead=--A--lead_id--B--&pw=--A--pass--B--&note=--A--user_custom_one--B--",
      allow_credential_variables: true,
    });
    expect(set.isError, set.text).toBe(false);
  });
  afterAll(() => srv?.close());

  // PHP's urlencode, as VICIdial fills the template.
  const encode = (v: string) =>
    [...Buffer.from(v, "utf8")]
      .map((b) =>
        /[A-Za-z0-9_.-]/.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : b === 32
            ? "+"
            : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
      )
      .join("");
  const agentPass = fc.string({ unit: fc.constantFrom(..."abcXYZ019!@#$%^&()-_=+[]{};:,./?~ \"'<>é"), minLength: 6, maxLength: 24 });

  it("masks the agent's password and the server's own, whatever they hold", async () => {
    let lead = 900_000;
    await fc.assert(
      fc.asyncProperty(agentPass, async (pw) => {
        lead++;
        const url = `https://crm.example.com/agent?lead=${lead}&pw=${encode(pw)}&note=${encode(`key ${SERVER_PASS}`)}`;
        // The target echoed both; VICIdial removed every ";" from the body, as it does.
        const body = `saw ${pw} and ${SERVER_PASS} for ${lead}`.replace(/;/g, "");
        sandbox.addUrlLogRows([
          {
            uniqueid: `1.${lead}`,
            url_date: `${localDay(sandbox)} 00:00:01`,
            url_type: "dispo",
            url,
            url_response: `Thu, 26 Nov 2026 09:05:13 -0500|${body}`,
          },
        ]);
        const r = await call(srv.client, "list_url_deliveries", { campaign_id: "4001", lead_id: lead });
        expect(r.isError, r.text).toBe(false);
        const [d] = r.structured.deliveries as [Shown];
        expect(d.variables.pass).toBe("***");
        // As the CSV shows it: spaces next to a quote deleted.
        const squeezed = pw.replace(/ +"/g, '"').replace(/" +/g, '"').replace(/;/g, "");
        const fields = [d.url, d.response, d.error ?? "", ...Object.values(d.variables), r.text, JSON.stringify(r.structured.summary)];
        for (const field of fields) {
          for (const secret of [pw, squeezed, encode(pw), encodeURIComponent(pw), SERVER_PASS]) expect(field).not.toContain(secret);
        }
        expect(d.response).toContain(`for ${lead}`);
      }),
      { numRuns: 25 },
    );
  });
});
