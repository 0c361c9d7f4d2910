/**
 * Confirmation over Streamable HTTP (issue 8, item 1): a client that
 * declares elicitation is asked before every destructive change, exactly as
 * over stdio, and a decline changes nothing, proven on the sandbox's own
 * state. The SDK's own Client and StreamableHTTPClientTransport against
 * startHttp, over real HTTP.
 */
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type SandboxSeed } from "../src/sandbox/index.js";
import { call } from "./helpers/harness.js";
import {
  connectClient,
  type HttpClient,
  type HttpRig,
  type JsonRpcMessage,
  MCP_HEADERS,
  postAndListen,
  raw,
  rawSession,
  rpc,
  startRig,
} from "./http-helpers.js";
import { storedCampaign, storedRows, writeRequests } from "./safety-helpers.js";

const DECLINE: ElicitResult = { action: "decline" };
const ACCEPT: ElicitResult = { action: "accept", content: { confirm: true } };

/** The default call centre plus a second ALT campaign with a row of its own, so a copy has two targets. */
function twoTargetSeed(): SandboxSeed {
  const seed = defaultSeed();
  const west = seed.campaigns.find((c) => c.campaign_id === "3001")!;
  seed.campaigns.push({ ...west, campaign_id: "3002", campaign_name: "Retention East" });
  seed.vicidial_url_multi.push({
    url_id: 6,
    campaign_id: "3002",
    entry_type: "campaign",
    url_type: "dispo",
    active: "Y",
    url_rank: 1,
    url_statuses: "DNC",
    url_description: "Do-not-call register",
    url_lists: "",
    url_call_length: 0,
    url_address: "https://dnc.example.com/add?lead=--A--lead_id--B--",
  });
  seed.next_url_id = 7;
  return seed;
}

let rig: HttpRig | null = null;
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
  await rig?.close();
  rig = null;
});

async function start(opts: Parameters<typeof startRig>[0] = {}): Promise<HttpRig> {
  rig = await startRig({ seed: twoTargetSeed(), ...opts });
  return rig;
}

async function client(opts: Parameters<typeof connectClient>[1] = {}): Promise<HttpClient> {
  const c = await connectClient(rig!.server.url, opts);
  clients.push(c);
  return c;
}

async function rowIds(c: HttpClient, campaignId: string): Promise<number[]> {
  const r = await call(c.client, "list_alt_urls", { campaign_id: campaignId });
  expect(r.isError, r.text).toBe(false);
  return (r.structured.alt_urls as { id: number }[]).map((row) => row.id);
}

describe("a client with elicitation that declines: asked, DECLINED, and nothing changed", () => {
  it("delete_alt_url: the row is still listed", async () => {
    await start();
    const person = await client({ elicit: () => DECLINE });
    const before = rig!.sandbox.dump();
    rig!.sandbox.resetStats();
    const r = await call(person.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    expect(r.structured.error?.code, r.text).toBe("DECLINED");
    expect(person.asked).toHaveLength(1);
    expect(person.asked[0]).toContain("Delete Alt URL 2");
    expect(await rowIds(person, "2001")).toContain(2);
    expect(writeRequests(rig!.sandbox)).toEqual([]);
    expect(rig!.sandbox.dump()).toBe(before);
  });

  it("copy_alt_urls with replace: no target changes", async () => {
    await start();
    const person = await client({ elicit: () => DECLINE });
    const before = rig!.sandbox.dump();
    rig!.sandbox.resetStats();
    const r = await call(person.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001", "3002"], replace: true });
    expect(r.structured.error?.code, r.text).toBe("DECLINED");
    expect(person.asked).toHaveLength(1);
    expect(person.asked[0]).toContain("Campaign 3001");
    expect(person.asked[0]).toContain("Campaign 3002");
    expect(await rowIds(person, "3001")).toEqual([5]);
    expect(await rowIds(person, "3002")).toEqual([6]);
    expect(writeRequests(rig!.sandbox)).toEqual([]);
    expect(rig!.sandbox.dump()).toBe(before);
  });

  it("enable_alt_url_mode: the campaign keeps its old dispo URL", async () => {
    await start();
    const person = await client({ elicit: () => DECLINE });
    const before = rig!.sandbox.dump();
    rig!.sandbox.resetStats();
    const r = await call(person.client, "enable_alt_url_mode", {
      campaign_id: "2002",
      preserve_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--",
    });
    expect(r.structured.error?.code, r.text).toBe("DECLINED");
    expect(person.asked).toHaveLength(1);
    expect(person.asked[0]).toContain("Switch campaign 2002");
    expect(storedCampaign(rig!.sandbox, "2002").dispo_call_url).not.toBe("ALT");
    expect(writeRequests(rig!.sandbox)).toEqual([]);
    expect(rig!.sandbox.dump()).toBe(before);
  });
});

describe("other answers and other clients", () => {
  it("a client that accepts is asked once, and the delete happens", async () => {
    await start();
    const person = await client({ elicit: () => ACCEPT });
    const r = await call(person.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    expect(r.isError, r.text).toBe(false);
    expect(person.asked).toHaveLength(1);
    expect(await rowIds(person, "2001")).not.toContain(2);
  });

  it("a client without elicitation is not asked, and the change is made (as over stdio)", async () => {
    await start();
    const plain = await client();
    const r = await call(plain.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    expect(r.isError, r.text).toBe(false);
    expect(storedRows(rig!.sandbox, "2001").some((row) => row.url_id === 2)).toBe(false);
  });

  it("clients at once keep their own sessions: one declines, one accepts, one cannot be asked", async () => {
    await start();
    const [decliner, accepter, plain] = await Promise.all([client({ elicit: () => DECLINE }), client({ elicit: () => ACCEPT }), client()]);
    expect(new Set([decliner, accepter, plain].map((c) => c.transport.sessionId)).size).toBe(3);
    const [declined, accepted, unasked] = await Promise.all([
      call(decliner.client, "delete_alt_url", { campaign_id: "2001", id: 1 }),
      call(accepter.client, "delete_alt_url", { campaign_id: "3001", id: 5 }),
      call(plain.client, "delete_alt_url", { campaign_id: "3002", id: 6 }),
    ]);
    expect(declined.structured.error?.code, declined.text).toBe("DECLINED");
    expect(accepted.isError, accepted.text).toBe(false);
    expect(unasked.isError, unasked.text).toBe(false);
    expect(storedRows(rig!.sandbox, "3002")).toEqual([]);
    // Each question reached the client that made the call, and only that one.
    expect(decliner.asked).toHaveLength(1);
    expect(decliner.asked[0]).toContain("Delete Alt URL 1");
    expect(accepter.asked).toHaveLength(1);
    expect(accepter.asked[0]).toContain("Delete Alt URL 5");
    expect(storedRows(rig!.sandbox, "2001").some((row) => row.url_id === 1)).toBe(true);
    expect(storedRows(rig!.sandbox, "3001").some((row) => row.url_id === 5)).toBe(false);
  });

  it("a session waiting for the person's answer is not idle, however long the person takes", async () => {
    await start({ http: { sessionLimits: { idleMs: 150 } } });
    const slow = await client({ elicit: () => new Promise<ElicitResult>((resolve) => setTimeout(() => resolve(ACCEPT), 900)) });
    const r = await call(slow.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    expect(r.isError, r.text).toBe(false);
    expect(slow.asked).toHaveLength(1);
    expect(storedRows(rig!.sandbox, "2001").some((row) => row.url_id === 2)).toBe(false);
  });

  it("the question travels on the tool call's own response stream, so a client that never opens a GET stream is asked too", async () => {
    await start();
    const url = rig!.server.url;
    const session = { ...MCP_HEADERS, "mcp-session-id": await rawSession(url, { capabilities: { elicitation: {} } }) };
    const before = rig!.sandbox.dump();
    const seen: JsonRpcMessage[] = [];
    const answers: Promise<unknown>[] = [];
    const status = await postAndListen(url, {
      headers: session,
      body: rpc("tools/call", { name: "delete_alt_url", arguments: { campaign_id: "2001", id: 2 } }, 7),
      onMessage: (m) => {
        seen.push(m);
        if (m.method === "elicitation/create") {
          answers.push(raw(url, { headers: session, body: JSON.stringify({ jsonrpc: "2.0", id: m.id, result: { action: "decline" } }) }));
        }
      },
    });
    expect(status).toBe(200);
    expect(seen.map((m) => m.method ?? `result of ${String(m.id)}`)).toEqual(["elicitation/create", "result of 7"]);
    expect(String(seen[0]!.params?.message)).toContain("Delete Alt URL 2");
    expect(((await answers[0]) as { status: number }).status).toBe(202);
    const result = seen[1]!.result as { structuredContent: { error: { code: string } } };
    expect(result.structuredContent.error.code).toBe("DECLINED");
    expect(rig!.sandbox.dump()).toBe(before);
  });
});
