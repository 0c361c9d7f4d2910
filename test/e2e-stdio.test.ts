/**
 * The real built server over stdio with the SDK's Client, as a desktop client
 * runs it, against a sandbox this test starts and can inspect.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call, DIST_ENTRY, ROOT, type Spawned, spawnStdio } from "./helpers/harness.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox.close());

function env(user = "6666", pass = "sandbox1234"): Record<string, string> {
  return { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: user, VICIDIAL_PASS: pass };
}

describe("as the full admin user", () => {
  let srv: Spawned;
  beforeAll(async () => {
    srv = await spawnStdio(env());
  });
  afterAll(async () => srv.close());

  it("lists campaigns and Alt URLs in rank order", async () => {
    const campaigns = await call(srv.client, "list_campaigns");
    expect(campaigns.isError).toBe(false);
    expect((campaigns.structured.campaigns as { id: string }[]).map((c) => c.id)).toEqual(["2001", "2002", "3001"]);
    expect(campaigns.structured.sandbox).toBe(false);

    const list = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
    const rows = list.structured.alt_urls as { id: number; rank: number; entry_type: string }[];
    expect(rows.map((r) => r.rank)).toEqual([...rows.map((r) => r.rank)].sort((a, b) => a - b));
    expect(rows.every((r) => r.entry_type === "campaign")).toBe(true);
    expect(list.text).toContain("| id | active | rank | statuses | lists | min length | url |");
  });

  it("creates, updates, leaves unchanged, disables, enables and deletes a row", async () => {
    const url = "https://crm.example.com/hook?lead=--A--lead_id--B--";
    const created = await call(srv.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["NI", "DNC"],
      url,
      description: "Not interested",
    });
    expect(created.isError).toBe(false);
    expect(created.structured.action).toBe("created");
    const row = created.structured.alt_url as { id: number; active: boolean; url: string; statuses: string[] };
    expect(row).toMatchObject({ active: true, url, statuses: ["NI", "DNC"] });
    expect(created.text).toMatch(/^Created Alt URL \d+/);

    const updated = await call(srv.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["DNC", "NI"],
      url: url + "&src=vici",
      rank: 7,
    });
    expect(updated.structured.action).toBe("updated");
    expect((updated.structured.alt_url as { id: number }).id).toBe(row.id);
    expect(updated.structured.changes).toEqual({ url: { before: url, after: url + "&src=vici" }, rank: { before: 1, after: 7 } });

    const same = await call(srv.client, "set_alt_url", { campaign_id: "2001", statuses: ["NI", "DNC"], url: url + "&src=vici", rank: 7 });
    expect(same.structured.action).toBe("unchanged");

    const off = await call(srv.client, "disable_alt_url", { campaign_id: "2001", id: row.id });
    expect(off.structured).toMatchObject({ action: "updated", alt_url: { id: row.id, active: false } });
    const offAgain = await call(srv.client, "disable_alt_url", { campaign_id: "2001", id: row.id });
    expect(offAgain.structured.action).toBe("unchanged");
    const on = await call(srv.client, "enable_alt_url", { campaign_id: "2001", id: row.id });
    expect(on.structured).toMatchObject({ action: "updated", alt_url: { active: true } });

    const del = await call(srv.client, "delete_alt_url", { campaign_id: "2001", id: row.id });
    expect(del.isError).toBe(false);
    expect(del.structured).toMatchObject({ action: "deleted", alt_url: { id: row.id, url: url + "&src=vici" } });
    const after = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
    expect((after.structured.alt_urls as { id: number }[]).some((r) => r.id === row.id)).toBe(false);
  });

  it("a stale id is refused before anything is written", async () => {
    const before = sandbox.dump();
    const r = await call(srv.client, "set_alt_url", {
      campaign_id: "2001",
      id: 99999,
      statuses: ["SALE"],
      url: "https://crm.example.com/x",
    });
    expect(r.isError).toBe(true);
    expect(r.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND", field: "id" });
    expect(r.structured.error!.fix).toMatch(/list_alt_urls/);
    // An id of another campaign is stale for this one too (ids are global).
    const other = await call(srv.client, "disable_alt_url", { campaign_id: "2001", id: 5 });
    expect(other.structured.error?.code).toBe("ALT_URL_NOT_FOUND");
    expect(sandbox.dump()).toBe(before);
  });

  it("switches a campaign to ALT, keeping its old dispo URL with preserve_url", async () => {
    const off = await call(srv.client, "set_alt_url", { campaign_id: "2002", statuses: ["SALE"], url: "https://crm.example.com/x" });
    expect(off.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(off.structured.error!.fix).toMatch(/enable_alt_url_mode/);

    const old = "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--";
    const on = await call(srv.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: old });
    expect(on.isError).toBe(false);
    expect(on.structured).toMatchObject({ action: "updated", preserved_alt_url: { url: old, statuses: ["---ALL---"], active: true } });

    const again = await call(srv.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: old });
    expect(again.structured.action).toBe("unchanged");
    expect((again.structured.warnings as string[]).join(" ")).toMatch(/preserve_url was not added/);
    const rows = (await call(srv.client, "list_alt_urls", { campaign_id: "2002" })).structured.alt_urls as unknown[];
    expect(rows).toHaveLength(1);
  });

  it("check_connection reports every check passing", async () => {
    const r = await call(srv.client, "check_connection");
    expect(r.structured.ok).toBe(true);
    expect((r.structured.checks as { name: string }[]).map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "version",
        "login",
        "update_alt_url right",
        "update_campaign right",
        "admin page (deletes, in-groups, lists)",
        "ALT mode",
      ]),
    );
  });
});

describe("users with fewer rights", () => {
  it("a campaign outside the user's group is CAMPAIGN_NOT_FOUND", async () => {
    const srv = await spawnStdio(env("sales", "salespass"));
    try {
      const list = await call(srv.client, "list_campaigns");
      expect((list.structured.campaigns as { id: string }[]).map((c) => c.id)).toEqual(["2001", "2002"]);
      const r = await call(srv.client, "list_alt_urls", { campaign_id: "3001" });
      expect(r.structured.error).toMatchObject({ code: "CAMPAIGN_NOT_FOUND" });
      expect(r.structured.error!.fix).toMatch(/Allowed Campaigns/);
    } finally {
      await srv.close();
    }
  });

  it("the level-7 user gets PERMISSION_DENIED with the settings to change", async () => {
    const srv = await spawnStdio(env("apilow", "lowpass1"));
    try {
      const r = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
      expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
      expect(r.structured.error!.fix).toMatch(/User Level 8/);
      const check = await call(srv.client, "check_connection");
      expect(check.structured.ok).toBe(false);
      // The admin page is never probed for a user the API has not shown to be level 8+.
      expect(sandbox.stats().failedLogins.apilow ?? 0).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it("a wrong password costs one failed login however often tools are called, and never shows", async () => {
    const secret = "Wr0ng-Secret_pw";
    const srv = await spawnStdio(env("6666", secret));
    try {
      const results = await Promise.all([
        call(srv.client, "list_campaigns"),
        call(srv.client, "list_alt_urls", { campaign_id: "2001" }),
        call(srv.client, "set_alt_url", { campaign_id: "2001", statuses: ["SALE"], url: "https://crm.example.com/x" }),
      ]);
      results.push(await call(srv.client, "check_connection"), await call(srv.client, "delete_alt_url", { campaign_id: "2001", id: 1 }));
      const errors = results.filter((r) => r.isError);
      expect(errors.length).toBeGreaterThanOrEqual(4);
      for (const r of errors) {
        expect(r.structured.error!.code).toBe("AUTH_FAILED");
        expect(r.structured.error!.fix).toMatch(/restart/);
      }
      for (const r of results) expect(JSON.stringify(r.raw)).not.toContain(secret);
      expect(srv.stderr()).not.toContain(secret);
      expect(sandbox.stats().failedLogins["6666"]).toBe(1);
    } finally {
      await srv.close();
      sandbox.resetFailedLogins("6666");
    }
  });
});

describe("with no configuration", () => {
  it("runs on the embedded sandbox and flags every result", async () => {
    const srv = await spawnStdio({});
    try {
      const r = await call(srv.client, "list_alt_urls", { campaign_id: "2001" });
      expect(r.isError).toBe(false);
      expect(r.structured.sandbox).toBe(true);
      expect(r.text).toMatch(/sandbox/);
      const err = await call(srv.client, "list_alt_urls", { campaign_id: "NOPE" });
      expect(err.structured).toMatchObject({ sandbox: true, error: { code: "CAMPAIGN_NOT_FOUND" } });
      expect(srv.client.getInstructions()).toMatch(/SANDBOX/);
    } finally {
      await srv.close();
    }
  });
});

describe("started by a person in a terminal", () => {
  // `script` gives the server a terminal on stdin, as a person typing the command would.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("says on stderr what it is, which VICIdial it uses and how to connect a client", () => {
    const r = spawnSync("script", ["-qc", `${process.execPath} ${DIST_ENTRY}`, "/dev/null"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", TERM: "dumb" },
      timeout: 4000,
      encoding: "utf8",
    });
    const out = r.stdout;
    expect(out).toMatch(/stdio MCP server/);
    expect(out).toMatch(/SANDBOX at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Connect a client with/);
    expect(out).not.toContain("sandbox1234");
  });
});
