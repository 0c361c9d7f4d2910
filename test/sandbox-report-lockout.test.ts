/**
 * The URL Log Report's login under the failed-login lock, as the API and the
 * admin page keep it (test/sandbox-lockout.test.ts): without a good login in
 * the last 15 minutes ten failures do not lock; after one, the tenth does,
 * until 15 minutes after that good login; then the report opens again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";

const REPORT = "/vicidial/AST_url_log_report.php";
const API = "/vicidial/non_agent_api.php";
const CSV = "query_date=2026-01-05&url_type[]=--ALL--&SUBMIT=SUBMIT&file_download=1";
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5, 15, 0, 0);
const LOCKED = "Too many login attempts, try again in 15 minutes: |6666|LOCK|\n";
const BAD = "Login incorrect, please try again: |6666|wrong|BAD|\n";

let open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((sb) => sb.close()));
  open = [];
});

/** A sandbox on a clock the test moves, and the report page as the user 6666 with a password. */
async function clocked() {
  const clock = { t: START };
  const sb = await startSandbox({ now: () => clock.t });
  open.push(sb);
  const report = async (pass: string) => {
    const res = await fetch(`${sb.url}${REPORT}?${CSV}`, {
      headers: { Authorization: "Basic " + Buffer.from(`6666:${pass}`).toString("base64") },
    });
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  };
  const api = (pass: string) => fetch(`${sb.url}${API}?source=test&user=6666&pass=${pass}&function=campaigns_list`).then((r) => r.text());
  return { sb, clock, report, api };
}

/** The report itself: the CSV download of the day. */
const isReport = (r: { status: number; type: string | null }) => r.status === 200 && r.type === "application/octet-stream";

describe("URL Log Report lockout", () => {
  it("without a good login in the last 15 minutes, ten failures do not lock: the right password then opens the report", async () => {
    const { sb, report } = await clocked();
    for (let i = 0; i < 10; i++) {
      const r = await report("wrong");
      expect([r.status, r.body]).toEqual([401, BAD]);
    }
    expect(sb.stats().failedLogins).toEqual({ "6666": 10 });
    expect(isReport(await report("sandbox1234"))).toBe(true);
    expect(sb.stats().failedLogins).toEqual({});
  });

  it("after a good login on the report, the tenth failure locks it, the right password included, until 15 minutes after that login", async () => {
    const { sb, clock, report, api } = await clocked();
    expect(isReport(await report("sandbox1234"))).toBe(true);
    const goodLogin = clock.t;
    for (let i = 0; i < 10; i++) {
      clock.t += 30_000;
      expect((await report("wrong")).status).toBe(401);
    }
    expect(sb.stats().failedLogins).toEqual({ "6666": 10 });
    expect(await report("sandbox1234")).toEqual({ status: 200, type: "text/html; charset=utf-8", body: LOCKED });
    // The lock is the user's: the API is closed too.
    expect(await api("sandbox1234")).toBe(`ERROR: ${LOCKED}`);

    // Attempts while locked neither count nor extend it.
    clock.t = goodLogin + 14 * MINUTE;
    expect((await report("wrong")).body).toBe(LOCKED);
    expect((await report("sandbox1234")).body).toBe(LOCKED);
    expect(sb.stats().failedLogins).toEqual({ "6666": 10 });

    clock.t = goodLogin + 15 * MINUTE + 1000;
    expect(isReport(await report("sandbox1234"))).toBe(true);
    expect(sb.stats().failedLogins).toEqual({});
  });

  it("a good API login starts the window for the report too; the report is open again once it has passed", async () => {
    const { clock, report, api } = await clocked();
    expect(await api("sandbox1234")).toMatch(/^2001\|/);
    const goodLogin = clock.t;
    for (let i = 0; i < 10; i++) await report("wrong");
    expect((await report("sandbox1234")).body).toBe(LOCKED);
    clock.t = goodLogin + 16 * MINUTE;
    expect(isReport(await report("sandbox1234"))).toBe(true);
  });
});
