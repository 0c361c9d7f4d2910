/**
 * The failed-login lock as VICIdial 2.14 keeps it, shared by the API and the
 * admin page: a login is refused while the count is 10 or more and the last
 * good login (or the failure that restarted the count) is less than 15
 * minutes old.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";

const API = "/vicidial/non_agent_api.php";
const ADMIN = "/vicidial/admin_url_multi.php";
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

let open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((sb) => sb.close()));
  open = [];
});

/** A sandbox on a clock the test moves. */
async function clocked(seed: SandboxSeed = defaultSeed()) {
  const clock = { t: START };
  const sb = await startSandbox({ seed, now: () => clock.t });
  open.push(sb);
  const list = async (user: string, pass: string) =>
    (await fetch(`${sb.url}${API}?source=test&user=${user}&pass=${pass}&function=campaigns_list`)).text();
  const admin = async (user: string, pass: string) => {
    const res = await fetch(`${sb.url}${ADMIN}?campaign_id=2001&entry_type=campaign&url_type=dispo`, {
      headers: { Authorization: "Basic " + Buffer.from(`${user}:${pass}`).toString("base64") },
    });
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  };
  return { sb, clock, list, admin };
}

const LOCK = "ERROR: Too many login attempts, try again in 15 minutes: |apiuser|LOCK|\n";
const BAD = "ERROR: Login incorrect, please try again: |apiuser|wrong|BAD|\n";
const LISTED = /^2001\|Outbound Sales\|/;

describe("API lockout", () => {
  it("after a good login, ten failures lock until 15 minutes after that login; attempts while locked do not extend it", async () => {
    const { sb, clock, list } = await clocked();
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
    const goodLogin = clock.t;
    for (let i = 0; i < 10; i++) {
      clock.t += 30_000;
      expect(await list("apiuser", "wrong")).toBe(BAD);
    }
    expect(sb.stats().failedLogins).toEqual({ apiuser: 10 });
    expect(await list("apiuser", "apipass8")).toBe(LOCK);
    clock.t = goodLogin + 14 * MINUTE;
    expect(await list("apiuser", "wrong")).toBe(LOCK);
    expect(await list("apiuser", "apipass8")).toBe(LOCK);
    expect(sb.stats().failedLogins).toEqual({ apiuser: 10 });
    clock.t = goodLogin + 15 * MINUTE + 1000;
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
    expect(sb.stats().failedLogins).toEqual({});
  });

  it("without a recent good login, the 11th failure restarts the count; nine more lock (20 in all) until 15 minutes after the restart", async () => {
    const { sb, clock, list } = await clocked();
    for (let i = 0; i < 10; i++) expect(await list("apiuser", "wrong")).toBe(BAD);
    expect(sb.stats().failedLogins).toEqual({ apiuser: 10 });
    clock.t += MINUTE;
    const restart = clock.t;
    expect(await list("apiuser", "wrong")).toBe(BAD);
    expect(sb.stats().failedLogins).toEqual({ apiuser: 1 });
    for (let i = 0; i < 9; i++) expect(await list("apiuser", "wrong")).toBe(BAD);
    expect(await list("apiuser", "wrong")).toBe(LOCK);
    expect(await list("apiuser", "apipass8")).toBe(LOCK);
    clock.t = restart + 15 * MINUTE + 1000;
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
  });

  it("the right password as the 11th try, with no good login in the last 15 minutes, simply logs in", async () => {
    const { sb, list } = await clocked();
    for (let i = 0; i < 10; i++) await list("apiuser", "wrong");
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
    expect(sb.stats().failedLogins).toEqual({});
  });

  it("a good login resets the count", async () => {
    const { sb, list } = await clocked();
    for (let i = 0; i < 9; i++) await list("apiuser", "wrong");
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
    for (let i = 0; i < 9; i++) await list("apiuser", "wrong");
    expect(sb.stats().failedLogins).toEqual({ apiuser: 9 });
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
  });

  it("counts a right password below level 7 or for an inactive user, and never an unknown user", async () => {
    const seed = defaultSeed();
    seed.users.push({ ...seed.users[0]!, user: "agent1", pass: "agentpw", user_level: 1 });
    seed.users.push({ ...seed.users[0]!, user: "gone", pass: "gonepw", active: "N" });
    const { sb, list } = await clocked(seed);
    expect(await list("agent1", "agentpw")).toBe("ERROR: Login incorrect, please try again: |agent1|agentpw|BAD|\n");
    expect(await list("gone", "gonepw")).toBe("ERROR: Login incorrect, please try again: |gone|gonepw|BAD|\n");
    for (let i = 0; i < 12; i++) await list("ghost", "x1");
    expect(sb.stats().failedLogins).toEqual({ agent1: 1, gone: 1 });
  });

  it("starts from the counters a seed gives (a user locked by a recent restart)", async () => {
    const seed = defaultSeed();
    seed.users[1]!.failed_login_count = 10;
    seed.users[1]!.last_login_date = "2026-01-05 08:55:00";
    const { clock, list } = await clocked(seed);
    expect(await list("apiuser", "apipass8")).toBe(LOCK);
    clock.t = Date.UTC(2026, 0, 5, 9, 10, 1);
    expect(await list("apiuser", "apipass8")).toMatch(LISTED);
  });
});

describe("admin page lockout, shared with the API", () => {
  it("every 401 counts, a level-7 right password included; then the lock is HTTP 200 on both pages", async () => {
    const { sb, list, admin } = await clocked();
    // A good login at the API (apilow may log in there) starts the window.
    expect(await list("apilow", "lowpass1")).toBe("ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: |apilow|0|\n");
    for (let i = 0; i < 10; i++) {
      const r = await admin("apilow", "lowpass1");
      expect([r.status, r.body]).toEqual([401, "Login incorrect, please try again: |apilow|lowpass1|BAD|\n"]);
    }
    expect(sb.stats().failedLogins).toEqual({ apilow: 10 });
    expect(await admin("apilow", "lowpass1")).toEqual({
      status: 200,
      type: "text/html; charset=utf-8",
      body: "Too many login attempts, try again in 15 minutes: |apilow|LOCK|\n",
    });
    expect(await list("apilow", "lowpass1")).toBe("ERROR: Too many login attempts, try again in 15 minutes: |apilow|LOCK|\n");
  });

  it("API failures lock the admin page, and the right password after the window logs in there", async () => {
    const { clock, list, admin } = await clocked();
    expect((await admin("apiuser", "apipass8")).body).toContain("Alternate Dispo Call URLs for campaign:");
    const goodLogin = clock.t;
    for (let i = 0; i < 10; i++) await list("apiuser", "wrong");
    expect((await admin("apiuser", "apipass8")).body).toBe("Too many login attempts, try again in 15 minutes: |apiuser|LOCK|\n");
    clock.t = goodLogin + 16 * MINUTE;
    const r = await admin("apiuser", "apipass8");
    expect(r.status).toBe(200);
    expect(r.body).toContain("<title>ADMINISTRATION: URL Multi Entry 2001 - Outbound Sales</title>");
  });

  it("without a recent good login, ten admin 401s do not lock: the right password then logs in", async () => {
    const { sb, admin } = await clocked();
    for (let i = 0; i < 10; i++) expect((await admin("6666", "bad")).status).toBe(401);
    expect(sb.stats().failedLogins).toEqual({ "6666": 10 });
    expect((await admin("6666", "sandbox1234")).body).toContain("Alternate Dispo Call URLs for campaign:");
    expect(sb.stats().failedLogins).toEqual({});
  });
});
