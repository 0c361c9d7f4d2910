/**
 * Issue 8 items 13 and 14: the password is masked only where VICIdial echoes
 * it and where our requests carry it.
 * - Short or common passwords (2001, https, campaign, dispo) never corrupt a
 *   result: campaign ids, URL schemes and descriptions come back as stored,
 *   and every result passes its tool's output schema (the SDK client checks
 *   structuredContent against it and throws on a mismatch).
 * - A wrong password of 450+ characters never leaks in part: VICIdial's echo
 *   of it is masked before anything is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { startCrmStub } from "./faults-helpers.js";
import { type CallResult, call, inProcess, runCli } from "./helpers/harness.js";

const USER = "shortpw";

let sandbox: Sandbox;
let crm: Awaited<ReturnType<typeof startCrmStub>>;
beforeAll(async () => {
  crm = await startCrmStub();
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  await crm.close();
});

/** A result's text with the places that legitimately show a masked password (dry-run requests) taken out. */
function unmasked(r: CallResult): string {
  return JSON.stringify(r.raw)
    .replace(/pass=\*\*\*/g, "")
    .replace(/\\?"pass\\?":\\?"\*\*\*\\?"/g, "");
}

describe.each(["2001", "https", "campaign", "dispo"])("the password %s", (pass) => {
  let sb: Sandbox;
  beforeAll(async () => {
    const seed = defaultSeed();
    seed.users.push({ ...seed.users.find((u) => u.user === "6666")!, user: USER, pass, note: "" });
    seed.vicidial_url_multi[0]!.url_address = `${crm.url}/hook?campaign=--A--campaign--B--&dispo=--A--dispo--B--`;
    sb = await startSandbox({ seed });
  });
  afterAll(() => sb.close());

  it("corrupts no result of any tool, and every result passes its output schema", async () => {
    const h = await inProcess({ useSandbox: sb, env: { VICIDIAL_USER: USER, VICIDIAL_PASS: pass } });
    try {
      await h.client.listTools(); // from here the client validates every structuredContent
      const results: CallResult[] = [];
      const run = async (tool: string, args: Record<string, unknown> = {}) => {
        const r = await call(h.client, tool, args);
        results.push(r);
        return r;
      };
      const campaigns = await run("list_campaigns");
      expect((campaigns.structured.campaigns as { id: string }[]).map((c) => c.id)).toEqual(["2001", "2002", "3001"]);
      const rows = (await run("list_alt_urls", { campaign_id: "2001" })).structured.alt_urls as { url: string; description: string }[];
      expect(rows.slice(1).every((r) => r.url.startsWith("https://"))).toBe(true);
      expect(rows[3]!.description).toBe("Call log for every disposition");
      const inbound = (await run("list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" })).structured.alt_urls as {
        url: string;
      }[];
      expect(inbound[0]!.url).toBe(
        "https://crm.example.com/vicidial/inbound?lead_id=--A--lead_id--B--&group=--A--group--B--&status=--A--dispo--B--",
      );
      await run("list_ingroups");
      const preview = await run("preview_dispo_urls", { campaign_id: "2001", status: "SALE", sample_lead: { lead_id: 7 } });
      expect((preview.structured.fires as { filled_url: string }[])[0]!.filled_url).toBe(`${crm.url}/hook?campaign=2001&dispo=SALE`);
      const url = `https://crm.example.com/${pass}/hook?campaign=2001&dispo=--A--dispo--B--`;
      const set = await run("set_alt_url", { campaign_id: "2001", statuses: ["PW"], url, description: `campaign dispo https 2001` });
      expect(set.structured).toMatchObject({
        action: "created",
        alt_url: { campaign_id: "2001", url, description: "campaign dispo https 2001" },
      });
      const id = (set.structured.alt_url as { id: number }).id;
      await run("disable_alt_url", { campaign_id: "2001", id });
      await run("enable_alt_url", { campaign_id: "2001", id });
      await run("delete_alt_url", { campaign_id: "2001", id, dry_run: true });
      await run("enable_alt_url_mode", { campaign_id: "2002", dry_run: true });
      await run("copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"], dry_run: true });
      const probe = await run("test_alt_url", {
        campaign_id: "2001",
        id: 1,
        sample_lead: { campaign: "2001", dispo: "SALE" },
        allow_private: true,
      });
      expect(probe.structured).toMatchObject({ ok: true, requested_url: `${crm.url}/hook?campaign=2001&dispo=SALE` });
      const check = await run("check_connection");
      expect(check.structured.ok).toBe(true);
      const error = await run("set_alt_url", { campaign_id: "2002", statuses: ["SALE"], url: "https://crm.example.com/x" });
      expect(error.structured.error).toMatchObject({ code: "ALT_MODE_OFF", fix: expect.stringContaining("enable_alt_url_mode") });
      for (const r of results) expect(unmasked(r)).not.toContain("***");
    } finally {
      await h.close();
    }
  });
});

describe("a wrong password of 450+ characters", () => {
  const long = Array.from({ length: 480 }, (_, i) => "Ab3-_xYz9Q"[i % 10]!).join("") + "TAILEND";
  /** Every 8-character piece of it: none may appear anywhere. */
  const pieces = Array.from({ length: long.length - 7 }, (_, i) => long.slice(i, i + 8));
  const leaks = (text: string) => pieces.filter((p) => text.includes(p));

  it("never leaks in part: not in an error, not in VICIdial's echoed line", async () => {
    const h = await inProcess({ useSandbox: sandbox, env: { VICIDIAL_USER: "6666", VICIDIAL_PASS: long } });
    try {
      await h.client.listTools();
      const r = await call(h.client, "list_alt_urls", { campaign_id: "2001" });
      expect(r.structured.error).toMatchObject({ code: "AUTH_FAILED" });
      expect(r.structured.error!.vicidial_response).toMatch(/Login incorrect.*\|6666\|\*\*\*\|BAD\|/);
      expect(leaks(JSON.stringify(r.raw))).toEqual([]);
      const check = await call(h.client, "check_connection");
      expect(leaks(JSON.stringify(check.raw))).toEqual([]);
    } finally {
      await h.close();
      sandbox.resetFailedLogins("6666");
    }
  });

  it("never leaks in part from doctor's report or stderr", async () => {
    const r = await runCli(["doctor"], { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: long });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    sandbox.resetFailedLogins("6666");
  });
});
