/**
 * Per-actor rate limits (VICIDIAL_WRITE_RATE, VICIDIAL_DESTRUCTIVE_RATE):
 * beyond them a call answers RATE_LIMITED (retryable, with when to retry)
 * and nothing is sent to VICIdial; a destructive call counts as a write too;
 * dry runs and reads are not counted; each actor has its own budget. Over
 * HTTP the entry answers 429 with Retry-After before the call reaches its
 * session, its body the same RATE_LIMITED result.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LocalRateLimits } from "../src/domain/rateLimits.js";
import { call, type InProcess } from "./helpers/harness.js";
import { connectClient, type HttpRig, MCP_HEADERS, raw, rawSession, rpc, startRig } from "./http-helpers.js";
import { open, safetySeed, writeRequests } from "./safety-helpers.js";

let h: InProcess | null = null;
let rig: HttpRig | null = null;
afterEach(async () => {
  await h?.close();
  await rig?.close();
  h = null;
  rig = null;
});

const set = (n: number, extra: Record<string, unknown> = {}) => ({
  campaign_id: "2001",
  statuses: [`LIM${n}`],
  url: `https://crm.example.com/lim/${n}`,
  ...extra,
});

describe("the sliding window", () => {
  it("admits N calls in any window, says when the next one fits, counts refusals against nobody, keeps actors apart", async () => {
    let now = 1_000_000;
    const limits = new LocalRateLimits({ write: { limit: 2, windowMs: 60_000, text: "2/min" }, destructive: null }, () => now);
    expect(await limits.admit("alice", "write")).toEqual({ ok: true });
    now += 10_000;
    expect(await limits.admit("alice", "write")).toEqual({ ok: true });
    now += 10_000;
    expect(await limits.admit("alice", "write")).toMatchObject({ ok: false, limit: "write", retryAfterMs: 40_000 });
    expect(await limits.admit("bob", "write")).toEqual({ ok: true });
    now += 40_000; // the first call has left the window
    expect(await limits.admit("alice", "write")).toEqual({ ok: true });
    expect(await limits.admit("alice", "write")).toMatchObject({ ok: false, retryAfterMs: 10_000 });
  });

  it("a destructive call needs room under both limits, and takes from both only when admitted", async () => {
    const limits = new LocalRateLimits({
      write: { limit: 2, windowMs: 60_000, text: "2/min" },
      destructive: { limit: 5, windowMs: 60_000, text: "5/min" },
    });
    expect(await limits.admit("a", "destructive")).toEqual({ ok: true });
    expect(await limits.admit("a", "write")).toEqual({ ok: true });
    expect(await limits.admit("a", "destructive")).toMatchObject({ ok: false, limit: "write" });
  });
});

describe("over stdio-like transports (in process)", () => {
  it("the write past VICIDIAL_WRITE_RATE is RATE_LIMITED with when to retry, and nothing is sent", async () => {
    h = await open({ env: { VICIDIAL_WRITE_RATE: "2/min" } });
    expect((await call(h.client, "set_alt_url", set(1))).isError).toBe(false);
    expect((await call(h.client, "enable_alt_url", { campaign_id: "2001", id: 1 })).isError).toBe(false);
    const before = h.sandbox.stats().requests;
    const over = await call(h.client, "set_alt_url", set(2));
    expect(over.isError).toBe(true);
    expect(over.structured.error).toMatchObject({ code: "RATE_LIMITED", retryable: true, vicidial_response: null });
    expect(over.structured.error!.message).toMatch(
      /^Not sent: set_alt_url is over the limit of 2 write calls per minute for stdio \(VICIDIAL_WRITE_RATE=2\/min\)\. Retry in \d+ s \(after \d{4}-\d\d-\d\dT/,
    );
    expect(over.structured.error!.fix).toMatch(/^Wait \d+ s, then call again\./);
    expect(over.text).toMatch(/^Error RATE_LIMITED: /);
    expect(h.sandbox.stats().requests).toBe(before);
    // Reads and dry runs go on.
    expect((await call(h.client, "list_alt_urls", { campaign_id: "2001" })).isError).toBe(false);
    const dry = await call(h.client, "set_alt_url", set(3, { dry_run: true }));
    expect(dry.isError, dry.text).toBe(false);
  });

  it("VICIDIAL_DESTRUCTIVE_RATE limits destructive tools apart from other writes", async () => {
    h = await open({ seed: safetySeed(), env: { VICIDIAL_DESTRUCTIVE_RATE: "1/hour", VICIDIAL_WRITE_RATE: "100/min" } });
    expect((await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1 })).isError).toBe(false);
    const writes = writeRequests(h.sandbox).length;
    const second = await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    expect(second.structured.error?.code).toBe("RATE_LIMITED");
    expect(second.structured.error?.message).toMatch(/1 destructive call per hour .*VICIDIAL_DESTRUCTIVE_RATE=1\/hour/);
    expect(writeRequests(h.sandbox)).toHaveLength(writes);
    // Other writes still have room.
    expect((await call(h.client, "set_alt_url", set(4))).isError).toBe(false);
  });
});

describe("over HTTP: 429 before the call reaches the session", () => {
  const TOKEN = "rate-token-0123456789abcdef";

  it("answers 429 with Retry-After, its body the RATE_LIMITED result for the call's id; nothing is sent", async () => {
    rig = await startRig({ http: { token: TOKEN }, env: { VICIDIAL_WRITE_RATE: "1/min" } });
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${TOKEN}` };
    const session = await rawSession(rig.server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const first = await raw(rig.server.url, {
      headers: { ...headers, "mcp-session-id": session },
      body: rpc("tools/call", { name: "set_alt_url", arguments: set(5) }, 3),
    });
    expect(first.status).toBe(200);
    const before = rig.sandbox.stats().requests;
    const over = await raw(rig.server.url, {
      headers: { ...headers, "mcp-session-id": session },
      body: rpc("tools/call", { name: "set_alt_url", arguments: set(6) }, 4),
    });
    expect(over.status).toBe(429);
    const wait = Number(over.headers["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const body = JSON.parse(over.body) as {
      jsonrpc: string;
      id: number;
      result: { isError: boolean; structuredContent: { error: { code: string; message: string } } };
    };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: 4, result: { isError: true } });
    expect(body.result.structuredContent.error.code).toBe("RATE_LIMITED");
    expect(body.result.structuredContent.error.message).toContain(`Retry in ${wait} s`);
    expect(rig.sandbox.stats().requests).toBe(before);
    // The session is unharmed: a read goes through.
    const read = await raw(rig.server.url, {
      headers: { ...headers, "mcp-session-id": session },
      body: rpc("tools/call", { name: "list_alt_urls", arguments: { campaign_id: "2001" } }, 5),
    });
    expect(read.status).toBe(200);
  });

  it("an SDK client sees the 429 as an HTTP error that carries the RATE_LIMITED answer", async () => {
    rig = await startRig({ http: { token: TOKEN }, env: { VICIDIAL_WRITE_RATE: "1/min" } });
    const c = await connectClient(rig.server.url, { token: TOKEN });
    try {
      expect((await call(c.client, "set_alt_url", set(7))).isError).toBe(false);
      const err = (await call(c.client, "set_alt_url", set(8)).catch((e: unknown) => e)) as { code?: number; message?: string };
      expect(err.code).toBe(429);
      expect(err.message).toMatch(/"code":"RATE_LIMITED"/);
    } finally {
      await c.client.close();
    }
  });
});
