/**
 * Issue 9's checks for in-groups and lists, over stdio against the sandbox:
 * the built server as a desktop client runs it, one spawned server per
 * describe block, the sandbox's stored state and request log as the truth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { type CallResult, call, type Spawned, spawnStdio } from "./helpers/harness.js";
import { adminActions, listRows, requestsDuring } from "./helpers/toolCalls.js";
import { storedRows } from "./safety-helpers.js";

const URL = "https://crm.example.com/in?lead=--A--lead_id--B--";

function envFor(sandbox: Sandbox, user = "6666", pass = "sandbox1234", extra: Record<string, string> = {}): Record<string, string> {
  return { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: user, VICIDIAL_PASS: pass, ...extra };
}

/** Every step of a row's life on one entry: create, update, unchanged, disable, enable, delete. */
async function lifeCycle(srv: Spawned, sandbox: Sandbox, entry: Record<string, unknown>, statuses: string[]): Promise<void> {
  const created = await call(srv.client, "set_alt_url", { ...entry, statuses, url: URL, description: "Life cycle" });
  expect(created.structured).toMatchObject({ action: "created", alt_url: { entry_type: entry.entry_type, active: true, url: URL } });
  const id = (created.structured.alt_url as { id: number }).id;
  const stored = () => storedRows(sandbox).find((r) => r.url_id === id);
  expect(stored()).toMatchObject({ campaign_id: entry.campaign_id, entry_type: entry.entry_type, url_address: URL, active: "Y" });

  const updated = await call(srv.client, "set_alt_url", { ...entry, statuses, url: `${URL}&v=2`, lists: ["101"], min_call_length: 15 });
  expect(updated.structured).toMatchObject({ action: "updated", alt_url: { id, lists: ["101"], min_call_length: 15 } });
  expect(stored()).toMatchObject({ url_address: `${URL}&v=2`, url_lists: "101", url_call_length: 15, url_description: "Life cycle" });

  const log = await requestsDuring(sandbox, async () => {
    const same = await call(srv.client, "set_alt_url", { ...entry, statuses, url: `${URL}&v=2` });
    expect(same.structured).toMatchObject({ action: "unchanged", change_id: null });
  });
  expect(log.filter(isWriteRequest)).toEqual([]);

  const off = await call(srv.client, "disable_alt_url", { ...entry, id });
  expect(off.structured).toMatchObject({ action: "updated", alt_url: { id, active: false, lists: ["101"] } });
  expect(stored()!.active).toBe("N");
  const on = await call(srv.client, "enable_alt_url", { ...entry, id });
  expect(on.structured).toMatchObject({ action: "updated", alt_url: { id, active: true } });
  expect(stored()!.active).toBe("Y");

  const del = await call(srv.client, "delete_alt_url", { ...entry, id });
  expect(del.structured).toMatchObject({ action: "deleted", alt_url: { id, url: `${URL}&v=2` } });
  expect(stored()).toBeUndefined();
}

describe("in-group and list rows, as the full admin user", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  beforeAll(async () => {
    sandbox = await startSandbox();
    srv = await spawnStdio(envFor(sandbox));
    await srv.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(async () => {
    await srv.close();
    await sandbox.close();
  });

  it("an in-group row (SALESLINE): created, updated, unchanged, disabled, enabled and deleted, each as stored", async () => {
    await lifeCycle(srv, sandbox, { campaign_id: "SALESLINE", entry_type: "ingroup" }, ["NI", "DNC"]);
  });

  it("a list row (list 101, noagent): created, updated, unchanged, disabled, enabled and deleted, each as stored", async () => {
    await lifeCycle(srv, sandbox, { campaign_id: "101", entry_type: "list", url_type: "noagent" }, ["DROP"]);
  });

  it("an in-group set to CAMP (OVERFLOW) is ALT_MODE_OFF with the screen to change, and nothing is written", async () => {
    const log = await requestsDuring(sandbox, async () => {
      const r = await call(srv.client, "set_alt_url", {
        campaign_id: "OVERFLOW",
        entry_type: "ingroup",
        statuses: ["SALE"],
        url: URL,
        description: "x",
      });
      expect(r.structured.error).toMatchObject({
        code: "ALT_MODE_OFF",
        vicidial_response: "This URL is not set ALTingroup|dispo|Dispo Call",
      });
      expect(r.structured.error!.fix).toMatch(/Inbound > Show In-Groups .* "Dispo Call URL" to ALT/);
    });
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("a list with url_type dispo is refused naming the one type a list has, and nothing is sent", async () => {
    const log = await requestsDuring(sandbox, async () => {
      const r = await call(srv.client, "set_alt_url", {
        campaign_id: "101",
        entry_type: "list",
        url_type: "dispo",
        statuses: ["SALE"],
        url: URL,
      });
      expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url_type" });
      expect(r.structured.error!.fix).toMatch(/Use url_type noagent for a list/);
    });
    expect(log).toEqual([]);
  });

  it("an addlead row is written, with the warning that VICIdial never fires it", async () => {
    const r = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "addlead",
      statuses: ["NEW"],
      url: URL,
      description: "lead added",
    });
    expect(r.structured).toMatchObject({ action: "created", alt_url: { url_type: "addlead" } });
    expect((r.structured.warnings as string[]).join(" ")).toMatch(/addlead Alt URLs are stored, but VICIdial 2.14 never reads them/);
    expect(r.text).toMatch(/never reads them/);
    const id = (r.structured.alt_url as { id: number }).id;
    expect(storedRows(sandbox).find((x) => x.url_id === id)).toMatchObject({ url_type: "addlead", entry_type: "ingroup" });
  });

  it("a | in the URL is percent-encoded (VICIdial's API would drop it) and stored as reported; a #fragment is refused with the URL without it", async () => {
    const piped = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      statuses: ["PIPE"],
      url: "https://crm.example.com/in?tags=a|b",
      description: "pipe",
    });
    expect(piped.structured).toMatchObject({ action: "created", alt_url: { url: "https://crm.example.com/in?tags=a%7Cb" } });
    expect(piped.structured.warnings).toContain('encoded "|" as %7C in the query so VICIdial does not drop it');
    const id = (piped.structured.alt_url as { id: number }).id;
    expect(storedRows(sandbox).find((x) => x.url_id === id)!.url_address).toBe("https://crm.example.com/in?tags=a%7Cb");

    const before = sandbox.dump();
    const hashed = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      statuses: ["HASH"],
      url: "https://crm.example.com/in?a=1#section",
      description: "hash",
    });
    expect(hashed.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url" });
    expect(hashed.structured.error!.message).toMatch(/"#" fragment/);
    expect(hashed.structured.error!.fix).toBe('Remove the fragment: "https://crm.example.com/in?a=1".');
    expect(sandbox.dump()).toBe(before);
  });

  it("a description with ' is refused naming the character (the admin page would drop it), with a cleaned text", async () => {
    const before = sandbox.dump();
    const r = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      statuses: ["Q"],
      url: URL,
      description: "Bob's CRM",
    });
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "description" });
    expect(r.structured.error!.message).toContain(`contains "'"`);
    expect(r.structured.error!.fix).toBe('Use "Bobs CRM".');
    expect(sandbox.dump()).toBe(before);
  });

  it("five concurrent creates of one status set on one in-group end in one row", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        call(srv.client, "set_alt_url", {
          campaign_id: "SALESLINE",
          entry_type: "ingroup",
          statuses: ["CONC", "CURRENT"],
          url: `${URL}&n=${n}`,
          description: "concurrent",
        }),
      ),
    );
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(results.filter((r) => r.structured.action === "created")).toHaveLength(1);
    const rows = storedRows(sandbox, "SALESLINE").filter((r) => r.url_statuses.split(" ").includes("CONC"));
    expect(rows).toHaveLength(1);
    // The writes ran one after another: the row holds the URL of whichever ran last.
    const ids = new Set(results.map((r) => (r.structured.alt_url as { id: number }).id));
    expect([...ids]).toEqual([rows[0]!.url_id]);
  });

  it("ingroup_id, group_id and list_id are refused, the fix naming campaign_id with entry_type", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ingroup_id: "SALESLINE", statuses: ["SALE"], url: URL }, "ingroup_id", 'campaign_id with entry_type "ingroup"'],
      [{ group_id: "SALESLINE", statuses: ["SALE"], url: URL }, "group_id", 'campaign_id with entry_type "ingroup"'],
      [{ list_id: "101", url_type: "noagent", statuses: ["SALE"], url: URL }, "list_id", 'campaign_id with entry_type "list"'],
    ];
    for (const [args, field, fix] of cases) {
      const r: CallResult = await call(srv.client, "set_alt_url", args);
      expect(r.structured.error, field).toMatchObject({ code: "INVALID_INPUT", field });
      expect(r.structured.error!.fix).toContain(fix);
    }
  });

  it("the in-group and list resources hold what list_alt_urls lists, under one URI scheme", async () => {
    for (const [uri, args] of [
      ["vicidial://ingroups/SALESLINE/alt-urls/dispo", { campaign_id: "SALESLINE", entry_type: "ingroup" }],
      ["vicidial://lists/101/alt-urls/noagent", { campaign_id: "101", entry_type: "list", url_type: "noagent" }],
    ] as const) {
      const read = await srv.client.readResource({ uri });
      const body = JSON.parse((read.contents[0] as { text: string }).text) as { entry_type: string; alt_urls: unknown[] };
      expect(body.entry_type).toBe(args.entry_type);
      expect(body.alt_urls).toEqual(await listRows(srv.client, args));
      expect(body.alt_urls.length).toBeGreaterThan(0);
    }
    const listed = (await srv.client.listResources()).resources.map((r) => r.uri);
    expect(listed).toContain("vicidial://ingroups/SALESLINE/alt-urls/dispo");
    await expect(srv.client.readResource({ uri: "vicidial://lists/101/alt-urls/dispo" })).rejects.toThrow(/INVALID_INPUT/);
  });

  it("check_connection reports that in-groups and lists can be managed", async () => {
    const r = await call(srv.client, "check_connection");
    const checks = r.structured.checks as { name: string; ok: boolean; detail: string }[];
    expect(checks.find((c) => c.name === "admin page (deletes, in-groups, lists)")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/in-group and list Alt URLs can be managed/),
    });
    expect(checks.find((c) => c.name === "in-groups")).toMatchObject({ ok: true, detail: expect.stringMatching(/SALESLINE/) });
  });
});

describe("VICIDIAL_ALLOWED_CAMPAIGNS on in-group and list ids", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  beforeAll(async () => {
    sandbox = await startSandbox();
    srv = await spawnStdio(envFor(sandbox, "6666", "sandbox1234", { VICIDIAL_ALLOWED_CAMPAIGNS: "2001,SALESLINE,101" }));
  });
  afterAll(async () => {
    await srv.close();
    await sandbox.close();
  });

  it("allowed in-group and list ids work; others are CAMPAIGN_NOT_ALLOWED before any request, and hidden from list_ingroups", async () => {
    expect((await call(srv.client, "list_alt_urls", { campaign_id: "salesline", entry_type: "ingroup" })).isError).toBe(false);
    expect((await call(srv.client, "list_alt_urls", { campaign_id: "101", entry_type: "list", url_type: "noagent" })).isError).toBe(false);
    const log = await requestsDuring(sandbox, async () => {
      for (const args of [
        { campaign_id: "OVERFLOW", entry_type: "ingroup", statuses: ["SALE"], url: URL, description: "x" },
        { campaign_id: "OLDLINE", entry_type: "ingroup", statuses: ["SALE"], url: URL, description: "x" },
        { campaign_id: "102", entry_type: "list", url_type: "noagent", statuses: ["SALE"], url: URL },
      ]) {
        const r = await call(srv.client, "set_alt_url", args);
        expect(r.structured.error, args.campaign_id).toMatchObject({ code: "CAMPAIGN_NOT_ALLOWED", field: "campaign_id" });
        expect(r.structured.error!.cause).toMatch(/in-group and list ids alike/);
      }
    });
    expect(log).toEqual([]);
    const groups = (await call(srv.client, "list_ingroups")).structured.ingroups as { id: string }[];
    expect(groups.map((g) => g.id)).toEqual(["SALESLINE"]);
  });
});

describe("a level-7 user", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  beforeAll(async () => {
    sandbox = await startSandbox();
    srv = await spawnStdio(envFor(sandbox, "apilow", "lowpass1"));
  });
  afterAll(async () => {
    await srv.close();
    await sandbox.close();
  });

  it("never reaches the admin page: PERMISSION_DENIED with the fix, and its failed-login count is unchanged", async () => {
    const before = sandbox.stats().failedLogins.apilow ?? 0;
    const log = await requestsDuring(sandbox, async () => {
      for (const [tool, args] of [
        ["list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" }],
        ["set_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", statuses: ["SALE"], url: URL, description: "x" }],
        ["delete_alt_url", { campaign_id: "2001", id: 3 }],
        ["list_alt_urls", { campaign_id: "101", entry_type: "list", url_type: "noagent" }],
      ] as const) {
        const r = await call(srv.client, tool, args);
        expect(r.structured.error, tool).toMatchObject({ code: "PERMISSION_DENIED" });
        expect(r.structured.error!.fix).toMatch(/User Level 8/);
      }
      await call(srv.client, "check_connection");
    });
    expect(adminActions(log)).toEqual([]);
    expect(sandbox.stats().failedLogins.apilow ?? 0).toBe(before);
  });
});

describe("a user without Modify Campaigns", () => {
  let sandbox: Sandbox;
  let srv: Spawned;
  beforeAll(async () => {
    const seed = defaultSeed();
    seed.users.push({ ...seed.users.find((u) => u.user === "6666")!, user: "nomodify", pass: "nomodify1", modify_campaigns: 0, note: "" });
    sandbox = await startSandbox({ seed });
    srv = await spawnStdio(envFor(sandbox, "nomodify", "nomodify1"));
  });
  afterAll(async () => {
    await srv.close();
    await sandbox.close();
  });

  it("gets PERMISSION_DENIED naming Modify Campaigns, nothing is written, and no failed login is spent", async () => {
    const before = sandbox.dump();
    const r = await call(srv.client, "set_alt_url", {
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      statuses: ["SALE"],
      url: URL,
      description: "x",
    });
    expect(r.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(r.structured.error!.fix).toMatch(/"Modify Campaigns" = 1/);
    const del = await call(srv.client, "delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 102 });
    expect(del.structured.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(sandbox.dump()).toBe(before);
    expect(sandbox.stats().failedLogins.nomodify ?? 0).toBe(0);
  });
});
