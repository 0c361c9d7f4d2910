/**
 * Shared pieces of the safety tests (test/safety-*.test.ts): a sandbox seed
 * with an API user whose password is easy to search for, a server started
 * on it, and ways to see which requests could have changed data.
 */

import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { defaultSeed, type SandboxAltUrl, type SandboxRequestRecord, type SandboxSeed } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { type InProcess, inProcess } from "./helpers/harness.js";
import { adminUser } from "./helpers/sandboxUsers.js";

/** The API user's password: distinctive, so its absence from any output can be checked. */
export const SECRET = "Zq9-secret_pw";
export const API_USER = "mcpsafe";

/** The default seed plus the safety API user and any extra rows. */
export function safetySeed(extraRows: SandboxAltUrl[] = []): SandboxSeed {
  const seed = defaultSeed();
  seed.users.push(adminUser({ user: API_USER, pass: SECRET }));
  seed.vicidial_url_multi.push(...extraRows);
  seed.next_url_id = Math.max(seed.next_url_id ?? 1, ...seed.vicidial_url_multi.map((r) => r.url_id + 1));
  return seed;
}

export function dispoRow(fields: Partial<SandboxAltUrl> & Pick<SandboxAltUrl, "url_id" | "campaign_id">): SandboxAltUrl {
  return {
    entry_type: "campaign",
    url_type: "dispo",
    active: "Y",
    url_rank: 1,
    url_statuses: "SALE",
    url_description: "",
    url_lists: "",
    url_call_length: 0,
    url_address: "https://crm.example.com/hook?lead=--A--lead_id--B--",
    ...fields,
  };
}

export interface OpenOptions {
  env?: Record<string, string>;
  seed?: SandboxSeed;
  useSandbox?: Sandbox;
  elicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
}

/** A server logged in as the safety API user, on a fresh sandbox unless one is given. */
export function open(opts: OpenOptions = {}): Promise<InProcess> {
  return inProcess({
    env: { VICIDIAL_USER: API_USER, VICIDIAL_PASS: SECRET, ...opts.env },
    ...(opts.useSandbox ? { useSandbox: opts.useSandbox } : { sandbox: { seed: opts.seed ?? safetySeed() } }),
    ...(opts.elicit ? { elicit: opts.elicit } : {}),
  });
}

export function writeRequests(sandbox: Sandbox): SandboxRequestRecord[] {
  return sandbox.stats().log.filter(isWriteRequest);
}

/** The sandbox's stored Alt URL rows (from its canonical dump). */
export function storedRows(sandbox: Sandbox, campaignId?: string): SandboxAltUrl[] {
  const rows = (JSON.parse(sandbox.dump()) as { vicidial_url_multi: SandboxAltUrl[] }).vicidial_url_multi;
  return campaignId === undefined ? rows : rows.filter((r) => r.campaign_id === campaignId);
}

export function storedCampaign(sandbox: Sandbox, campaignId: string): { dispo_call_url: string } {
  const c = (JSON.parse(sandbox.dump()) as { campaigns: { campaign_id: string; dispo_call_url: string }[] }).campaigns.find(
    (x) => x.campaign_id === campaignId,
  );
  if (!c) throw new Error(`no campaign ${campaignId} in the sandbox`);
  return c;
}

/** Wait until `test` holds, polling; fails the test after `ms`. */
export async function waitFor(test: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A request straight to the sandbox as another VICIdial user (6666), beside
 * the server: how a colleague on the admin pages changes rows mid-write.
 */
export async function direct(sandbox: Sandbox, params: Record<string, string>, page: "api" | "admin" = "api"): Promise<string> {
  if (page === "api") {
    const q = new URLSearchParams({ source: "colleague", user: "6666", pass: "sandbox1234", ...params });
    return (await fetch(`${sandbox.url}/vicidial/non_agent_api.php?${q.toString()}`)).text();
  }
  const q = new URLSearchParams({ action: "URL_MULTI_DELETE", entry_type: "campaign", url_type: "dispo", ...params });
  const res = await fetch(`${sandbox.url}/vicidial/admin_url_multi.php?${q.toString()}`, {
    headers: { authorization: `Basic ${Buffer.from("6666:sandbox1234").toString("base64")}` },
  });
  return res.text();
}
