/**
 * Sandbox behaviour the transcripts do not cover but VICIdial 2.14 shows,
 * plus the sandbox's own test hooks: seed, probes, IP lists, permissions,
 * fault injection, stats and shutdown (the lock: sandbox-lockout.test.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, type SandboxOptions, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";

const API = "/vicidial/non_agent_api.php";
const ADMIN = "/vicidial/admin_url_multi.php";

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

/** GET the API with a query string written like VICIdial's examples. */
async function api(sb: Sandbox, query: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${sb.url}${API}?${query}`);
  return { status: res.status, body: await res.text() };
}

async function admin(sb: Sandbox, query: string, user: string, pass: string) {
  const res = await fetch(`${sb.url}${ADMIN}?${query}`, {
    headers: { Authorization: "Basic " + Buffer.from(`${user}:${pass}`).toString("base64") },
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

const AS = (user: string, pass: string) => `source=test&user=${user}&pass=${pass}`;
const ADMIN_Q = "source=test&user=6666&pass=sandbox1234";
const alt = (campaign: string, extra: string, who = ADMIN_Q) =>
  `${who}&function=update_alt_url&campaign_id=${campaign}&entry_type=campaign&url_type=dispo&${extra}`;

describe("default seed", () => {
  it("is a small consistent call centre", async () => {
    const seed = defaultSeed();
    const camp = (id: string) => seed.campaigns.find((c) => c.campaign_id === id)!;
    expect(camp("2001").dispo_call_url).toBe("ALT");
    expect(camp("2002").dispo_call_url).toMatch(/^https:\/\/helpdesk\.example\.com\//);
    expect(camp("3001")).toMatchObject({ dispo_call_url: "ALT", user_group: "WEST" });
    const rows2001 = seed.vicidial_url_multi.filter((r) => r.campaign_id === "2001");
    expect(rows2001.map((r) => [r.url_rank, r.active, r.url_statuses])).toEqual([
      [1, "Y", "SALE"],
      [2, "Y", "SALE PSALE"],
      [3, "N", "CALLBK"],
      [4, "Y", "---ALL---"],
    ]);
    expect(rows2001[1]).toMatchObject({ url_lists: "101 102", url_call_length: 30 });
    expect(seed.vicidial_url_multi.filter((r) => r.campaign_id === "2002")).toEqual([]);
    expect(seed.vicidial_url_multi.filter((r) => r.campaign_id === "3001" && r.active === "Y")).toHaveLength(1);
    expect(seed.next_url_id).toBe(Math.max(...seed.vicidial_url_multi.map((r) => r.url_id)) + 1);
    expect(seed.user_groups.find((g) => g.user_group === "SALESTEAM")!.allowed_campaigns).toBe(" 2001 2002 -");
    expect(seed.users.map((u) => u.user)).toEqual(["6666", "apiuser", "apilow", "noapi", "sales", "nofunc", "rptlimit"]);
    expect(seed.users.every((u) => (u.note ?? "").length > 0)).toBe(true);

    const sb = await sandbox();
    const list = await api(sb, alt("2001", "alt_url_id=LIST"));
    expect(
      list.body
        .trim()
        .split("\n")
        .map((l) => l.split("|")[0]),
    ).toEqual(["1", "2", "3", "4"]);
    const nw = await api(sb, alt("2001", "alt_url_id=NEW&url_statuses=DNC&url_address=https://x.example.com/"));
    expect(nw.body).toBe("SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - 6666|NEW URL ID: 105|dispo|campaign|2001\n");
  });
});

describe("user group restrictions", () => {
  it("SALESTEAM cannot reach 3001 through the API and does not see it listed", async () => {
    const sb = await sandbox();
    const who = AS("sales", "salespass");
    expect((await api(sb, alt("3001", "alt_url_id=LIST", who))).body).toBe("ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |sales|3001\n");
    expect((await api(sb, `${who}&function=update_campaign&campaign_id=3001&dispo_call_url=ALT`)).body).toBe(
      "ERROR: update_campaign CAMPAIGN DOES NOT EXIST: |sales|3001\n",
    );
    const list = await api(sb, `${who}&function=campaigns_list`);
    expect(list.body.split("\n").map((l) => l.split("|")[0])).toEqual(["2001", "2002", ""]);
    const one = await api(sb, `${who}&function=campaigns_list&campaign_id=2002&header=YES&stage=csv`);
    expect(one.body).toBe(
      "campaign_id,campaign_name,active,user_group,dial_method,dial_level,lead_order,dial_statuses,dial_timeout,dial_prefix,manual_dial_prefix,three_way_dial_prefix\n" +
        "2002,Customer Care,Y,---ALL---,INBOUND_MAN,0,UP,NEW,45,9,,\n",
    );
    expect((await api(sb, alt("2001", "alt_url_id=LIST", who))).body).toMatch(/^1\|2001\|campaign\|Y\|dispo\|1\|SALE\|/);
  });
});

describe("alt_url_id=0 probe", () => {
  it("tells the mode apart and writes nothing", async () => {
    const sb = await sandbox();
    const before = sb.dump();
    expect((await api(sb, alt("2002", "alt_url_id=0"))).body).toBe(
      "ERROR: update_alt_url CAMPAIGNS dispo URL IS NOT SET TO ALT: |6666|dispo|campaign|2002\n",
    );
    expect((await api(sb, alt("3001", "alt_url_id=0"))).body).toBe("NOTICE: update_alt_url NO UPDATES DEFINED: |6666|\n");
    expect((await api(sb, alt("2001", "alt_url_id=0"))).body).toBe(
      "ERROR: update_alt_url ALT URL ID DOES NOT EXIST: |6666|0|dispo|campaign|2001|2\n",
    );
    expect((await api(sb, `${ADMIN_Q}&function=update_campaign&campaign_id=2002`)).body).toBe(
      "NOTICE: update_campaign NO UPDATES DEFINED: |6666|\n",
    );
    expect(sb.dump()).toBe(before);

    // update_campaign switches the mode; the probe then sees ALT (no rows yet)
    expect((await api(sb, `${ADMIN_Q}&function=update_campaign&campaign_id=2002&dispo_call_url=ALT`)).body).toBe(
      "SUCCESS: update_campaign CAMPAIGN HAS BEEN UPDATED - 6666|2002\n",
    );
    expect((await api(sb, alt("2002", "alt_url_id=0"))).body).toBe("NOTICE: update_alt_url NO UPDATES DEFINED: |6666|\n");
    expect(JSON.parse(sb.dump()).campaigns.find((c: { campaign_id: string }) => c.campaign_id === "2002").dispo_call_url).toBe("ALT");
  });
});

describe("version and admin page scope", () => {
  it("version needs no login and prints the injected clock", async () => {
    const sb = await sandbox({ now: () => Date.UTC(2026, 10, 27, 10, 51, 48) });
    expect((await api(sb, "function=version")).body).toBe(
      "VERSION: 2.14-202|BUILD: 250720-1841|DATE: 2026-11-27 10:51:48|EPOCH: 1795776708|DST: 0|TZ: -5.00|TZNOW: -5.00|\n",
    );
  });

  it("the admin page ignores the user group's allowed campaigns", async () => {
    const sb = await sandbox();
    await api(sb, alt("3001", "alt_url_id=5&active=N"));
    const r = await admin(sb, "action=URL_MULTI_DELETE&campaign_id=3001&entry_type=campaign&url_type=dispo&url_id=5", "sales", "salespass");
    expect(r.type).toBe("text/html; charset=UTF-8");
    expect(r.body).toContain("<BR><b>1 MULTI URL DELETED (ID: 5)</b><BR><BR>");
    expect(r.body.length).toBeGreaterThan(50_000);
    expect((await api(sb, alt("3001", "alt_url_id=LIST"))).body).toBe(
      "NOTICE: update_alt_url LIST, No Records Found - 6666|dispo|campaign|3001|0\n",
    );
  });
});

describe("IP list", () => {
  it("answers IPBLOCK to clients outside the group's list", async () => {
    const sb = await sandbox({ seed: seedWith((s) => (s.user_groups[0]!.api_ip_list = ["10.9.8.7"])) });
    expect((await api(sb, `${ADMIN_Q}&function=campaigns_list`)).body).toBe(
      "ERROR: Your IP Address is not allowed: 127.0.0.1: |6666|IPBLOCK|\n",
    );
    expect((await admin(sb, "campaign_id=2001", "6666", "sandbox1234")).body).toBe(
      "Your IP Address is not allowed: 127.0.0.1: |6666|IPBLOCK|\n",
    );
    // SALESTEAM has no list
    expect((await api(sb, `${AS("sales", "salespass")}&function=campaigns_list`)).body).toMatch(/^2001\|/);
  });
});

describe("permissions", () => {
  it("refuses functions outside the user's allowed API functions", async () => {
    const sb = await sandbox();
    const who = AS("nofunc", "nofunc123");
    expect((await api(sb, alt("2001", "alt_url_id=LIST", who))).body).toBe(
      "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |nofunc|update_alt_url|\n",
    );
    expect((await api(sb, `${who}&function=campaigns_list`)).body).toBe(
      "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |nofunc|campaigns_list|\n",
    );
    expect((await api(sb, `${who}&function=version`)).body).toMatch(/^VERSION: 2\.14-202\|/);
  });

  it("campaigns_list needs View Reports, level 8 and API access", async () => {
    const sb = await sandbox({
      seed: seedWith((s) => s.users.push({ ...s.users[1]!, user: "noreports", pass: "norep99", view_reports: 0 })),
    });
    const denied = (u: string) => `ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: |${u}|0|\n`;
    expect((await api(sb, `${AS("noreports", "norep99")}&function=campaigns_list`)).body).toBe(denied("noreports"));
    expect((await api(sb, `${AS("apilow", "lowpass1")}&function=campaigns_list`)).body).toBe(denied("apilow"));
    expect((await api(sb, `${AS("noapi", "noapi1234")}&function=campaigns_list`)).body).toBe(denied("noapi"));
    expect((await api(sb, `${AS("apiuser", "apipass8")}&function=campaigns_list`)).body).toMatch(/^2001\|Outbound Sales\|/);
  });

  it("admin page: probe, and a user without modify campaigns", async () => {
    const sb = await sandbox({
      seed: seedWith((s) => s.users.push({ ...s.users[0]!, user: "viewer", pass: "viewer12", modify_campaigns: 0 })),
    });
    const probe = await admin(sb, "", "apiuser", "apipass8");
    expect([probe.status, probe.type, probe.body]).toEqual([200, "text/html; charset=UTF-8", "ERROR: ID not defined:"]);
    const viewer = await admin(sb, "campaign_id=2001", "viewer", "viewer12");
    expect([viewer.status, viewer.body]).toEqual([200, "You do not have permissions to modify campaigns\n"]);
    const none = await fetch(`${sb.url}${ADMIN}?campaign_id=2001`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Basic realm="CONTACT-CENTER-ADMIN"');
    expect(await none.text()).toBe("Login incorrect, please try again: |||BAD|\n");
  });

  it("GET wins over POST for the same field", async () => {
    const sb = await sandbox();
    const res = await fetch(`${sb.url}${API}?user=6666&pass=sandbox1234`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "source=test&pass=wrong&function=campaigns_list&pass=alsowrong",
    });
    expect(await res.text()).toMatch(/^2001\|/);
  });
});

describe("fault injection", () => {
  const NEW = alt("2001", "alt_url_id=NEW&url_statuses=DNC&url_address=https://dnc.example.com/");

  it("latency delays the answer", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "latency", latencyMs: 250 }]);
    const t0 = Date.now();
    expect((await api(sb, `${ADMIN_Q}&function=campaigns_list`)).body).toMatch(/^2001\|/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it("hang never answers, and close() still returns promptly", async () => {
    const sb = await startSandbox();
    sb.setFaults([{ mode: "hang" }]);
    const pending = fetch(`${sb.url}${API}?function=version`).then(
      () => "answered",
      () => "failed",
    );
    const raced = await Promise.race([pending, new Promise((r) => setTimeout(() => r("still waiting"), 300))]);
    expect(raced).toBe("still waiting");
    expect(sb.stats()).toMatchObject({ inFlight: 1, log: [{ path: API, status: 0 }] });
    const t0 = Date.now();
    await sb.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe("failed");
  });

  it("http500-empty and html-error answer without applying", async () => {
    const sb = await sandbox();
    const before = sb.dump();
    sb.setFaults([
      { mode: "http500-empty", times: 1 },
      { mode: "html-error", times: 1 },
    ]);
    const empty = await api(sb, NEW);
    expect([empty.status, empty.body]).toEqual([500, ""]);
    const html = await api(sb, NEW);
    expect([200, 500]).toContain(html.status);
    expect(html.body).toMatch(/<html>[\s\S]*Internal Server Error/);
    expect(sb.dump()).toBe(before);
    expect((await api(sb, NEW)).body).toMatch(/^SUCCESS: update_alt_url ALT URL HAS BEEN ADDED/);
  });

  it("reset-before-response drops the socket and applies nothing", async () => {
    const sb = await sandbox();
    const before = sb.dump();
    sb.setFaults([{ mode: "reset-before-response" }]);
    await expect(api(sb, NEW)).rejects.toThrow();
    expect(sb.dump()).toBe(before);
  });

  it("reset-after-apply applies the write, then drops the socket", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "reset-after-apply", times: 1 }]);
    await expect(api(sb, NEW)).rejects.toThrow();
    expect((await api(sb, alt("2001", "alt_url_id=LIST"))).body).toContain(
      "105|2001|campaign|N|dispo|1|DNC|||0|https://dnc.example.com/\n",
    );
  });

  it("truncated-body sends part of the real body, then drops the socket", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "truncated-body" }]);
    const res = await fetch(`${sb.url}${API}?${alt("2001", "alt_url_id=LIST")}`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();
  });

  it("garbage answers 200 with bytes that are not UTF-8", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "garbage" }]);
    const res = await fetch(`${sb.url}${API}?function=version`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
  });

  it("times and match select the requests", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "http500-empty", times: 2, match: { function: "update_alt_url", write: true } }]);
    expect((await api(sb, alt("2001", "alt_url_id=LIST"))).status).toBe(200); // not a write
    expect((await api(sb, `${ADMIN_Q}&function=update_campaign&campaign_id=2002`)).status).toBe(200); // other function
    expect((await api(sb, NEW)).status).toBe(500);
    expect((await api(sb, NEW)).status).toBe(500);
    expect((await api(sb, NEW)).status).toBe(200); // times used up

    sb.setFaults([{ mode: "http500-empty", match: { path: "admin" } }]);
    expect((await api(sb, `${ADMIN_Q}&function=campaigns_list`)).status).toBe(200);
    expect((await admin(sb, "campaign_id=2001", "6666", "sandbox1234")).status).toBe(500);
    sb.setFaults([]);
    expect((await admin(sb, "", "6666", "sandbox1234")).body).toBe("ERROR: ID not defined:");
  });
});

describe("stats", () => {
  it("counts requests in flight under parallel load", async () => {
    const sb = await sandbox();
    sb.setFaults([{ mode: "latency", latencyMs: 600 }]);
    const all = Array.from({ length: 5 }, () => api(sb, "function=version"));
    const deadline = Date.now() + 500;
    while (sb.stats().inFlight < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sb.stats().inFlight).toBe(5);
    await Promise.all(all);
    const st = sb.stats();
    expect([st.requests, st.inFlight, st.maxInFlight, st.log.length]).toEqual([5, 0, 5, 5]);
    sb.resetStats();
    expect(sb.stats()).toMatchObject({ requests: 0, inFlight: 0, maxInFlight: 0, log: [] });
  });

  it("never records a password", async () => {
    const secret = "Sekr3tPassw0rd";
    const sb = await sandbox({ seed: seedWith((s) => s.users.push({ ...s.users[0]!, user: "secretive", pass: secret })) });
    await api(sb, `${AS("secretive", secret)}&function=campaigns_list`);
    await fetch(`${sb.url}${API}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `source=test&user=secretive&pass=${secret}&function=campaigns_list`,
    });
    await admin(sb, "campaign_id=2001", "secretive", secret);
    await api(sb, `${AS("secretive", secret + "x")}&function=campaigns_list`);
    const log = sb.stats().log;
    expect(JSON.stringify(log)).not.toContain(secret);
    expect(log[0]!.params).toContainEqual(["pass", "***"]);
    expect(log[2]).toMatchObject({ method: "GET", path: ADMIN, basicUser: "secretive", status: 200 });
  });
});
