/**
 * Several instances on one coordination server (a real redis-server on
 * loopback): shared write locks (one row for one request, whichever instance
 * takes it), the shared login stop (a wrong password costs one failed login
 * for the fleet), shared rate limits, and what happens when the server goes
 * away (writes refused with the fix, reads go on) and comes back. Without a
 * coordination server two instances are shown to create two rows for one
 * request: the README's reason to run one instance, or to coordinate.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/common/log.js";
import { Redactor } from "../src/common/redact.js";
import { Coordination, FleetLocks } from "../src/domain/fleet/index.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type Instance, instance } from "./fleet-helpers.js";
import { call } from "./helpers/harness.js";
import { type RedisServer, redisAvailable, startRedis } from "./helpers/redis.js";
import { safetySeed, storedRows, writeRequests } from "./safety-helpers.js";

const TESTS = [
  "two instances on one Redis: 50 concurrent creates of one status set split across them end in one row",
  "two instances without coordination: the same request creates more than one row (why the README says one instance)",
  "a wrong password costs one failed login across two instances, and an instance started within 15 minutes sends none",
  "rate limits are shared: a caller spread over two instances gets the configured number of writes in all",
  "coordination server killed: writes refused with the fix and nothing sent, reads work; back again: writes work",
  "a lock left by an instance that died expires by itself, and a holder never deletes a lock it no longer holds",
];
const canRun = redisAvailable("test/fleet.test.ts", TESTS);

let redis: RedisServer;
let sandbox: Sandbox;
const open: Instance[] = [];

async function two(env: Record<string, string> = {}, coordinated = true): Promise<[Instance, Instance]> {
  const url = coordinated ? redis.url : null;
  const a = await instance({ sandbox, redisUrl: url, env });
  const b = await instance({ sandbox, redisUrl: url, env });
  open.push(a, b);
  return [a, b];
}

const ROW = { campaign_id: "2001", statuses: ["FLEET"], url: "https://crm.example.com/fleet?l=--A--lead_id--B--" };

describe.skipIf(!canRun)("several instances on one Redis", () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
    await sandbox?.close();
    await redis.client().flushall();
  });

  it(TESTS[0]!, async () => {
    sandbox = await startSandbox();
    // 50 writes from one caller in a moment: above the default 30 per minute, which would refuse 20 of them.
    const [a, b] = await two({ VICIDIAL_WRITE_RATE: "100/min" });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(i % 2 ? b.client : a.client, "set_alt_url", ROW)));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    expect(results.filter((r) => r.structured.action === "created")).toHaveLength(1);
    expect(results.filter((r) => r.structured.action === "unchanged")).toHaveLength(49);
    expect(storedRows(sandbox, "2001").filter((r) => r.url_statuses === "FLEET")).toHaveLength(1);
    expect(writeRequests(sandbox)).toHaveLength(1);
  });

  it(TESTS[1]!, async () => {
    sandbox = await startSandbox();
    const [a, b] = await two({}, false);
    // Each answer takes 150 ms, so both instances list the campaign before either has written.
    sandbox.setFaults([{ mode: "latency", latencyMs: 150 }]);
    const results = await Promise.all([call(a.client, "set_alt_url", ROW), call(b.client, "set_alt_url", ROW)]);
    for (const r of results) expect(r.isError, r.text).toBe(false);
    expect(results.map((r) => r.structured.action)).toEqual(["created", "created"]);
    expect(storedRows(sandbox, "2001").filter((r) => r.url_statuses === "FLEET").length).toBeGreaterThan(1);
  });

  it(TESTS[2]!, async () => {
    sandbox = await startSandbox();
    const [a, b] = await two({ VICIDIAL_PASS: "wrongpass9" });
    sandbox.setFaults([{ mode: "latency", latencyMs: 50 }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? b.client : a.client, "list_campaigns")));
    for (const r of results) expect(r.structured.error?.code, r.text).toBe("AUTH_FAILED");
    expect(sandbox.stats().failedLogins["6666"]).toBe(1);
    // The stop is on the coordination server, without the password or anything made from it.
    const keys = await redis.client().keys("vicidial-alturl-mcp:login-stop:*");
    expect(keys).toHaveLength(1);
    const record = (await redis.client().get(keys[0]!))!;
    expect(record).toContain("AUTH_FAILED");
    expect(record).not.toContain("wrongpass9");
    expect(await redis.client().pttl(keys[0]!)).toBeGreaterThan(14 * 60_000);
    // A restarted instance within the 15 minutes sends nothing and says why.
    const c = await instance({ sandbox, redisUrl: redis.url, env: { VICIDIAL_PASS: "wrongpass9" } });
    open.push(c);
    const later = await call(c.client, "list_alt_urls", { campaign_id: "2001" });
    expect(later.structured.error?.code).toBe("AUTH_FAILED");
    expect(later.structured.error?.message).toMatch(/another instance/);
    expect(later.structured.error?.fix).toMatch(/expires 15 minutes after/);
    expect(sandbox.stats().failedLogins["6666"]).toBe(1);
  });

  it(TESTS[3]!, async () => {
    sandbox = await startSandbox({ seed: safetySeed() });
    const [a, b] = await two({ VICIDIAL_WRITE_RATE: "3/min" });
    const write = (who: Instance, n: number) =>
      call(who.client, "set_alt_url", { campaign_id: "2001", statuses: [`RATE${n}`], url: `https://crm.example.com/r/${n}` });
    expect((await write(a, 1)).isError).toBe(false);
    expect((await write(b, 2)).isError).toBe(false);
    expect((await write(a, 3)).isError).toBe(false);
    const sent = writeRequests(sandbox).length;
    const over = await write(b, 4);
    expect(over.structured.error?.code).toBe("RATE_LIMITED");
    expect(over.structured.error?.retryable).toBe(true);
    expect(over.structured.error?.message).toMatch(/3 write calls per minute for stdio \(VICIDIAL_WRITE_RATE=3\/min\)\. Retry in \d+ s/);
    expect(writeRequests(sandbox)).toHaveLength(sent);
    // The other instance counts the same calls.
    expect((await write(a, 5)).structured.error?.code).toBe("RATE_LIMITED");
    // A dry run changes nothing and is not counted.
    const dry = await call(a.client, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["RATE6"],
      url: "https://crm.example.com/r/6",
      dry_run: true,
    });
    expect(dry.isError, dry.text).toBe(false);
  });

  it(TESTS[4]!, async () => {
    sandbox = await startSandbox({ seed: safetySeed() });
    const [a] = await two();
    expect((await call(a.client, "list_alt_urls", { campaign_id: "2001" })).isError).toBe(false);
    await redis.kill();
    try {
      const read = await call(a.client, "list_alt_urls", { campaign_id: "2001" });
      expect(read.isError, read.text).toBe(false);
      const sent = writeRequests(sandbox).length;
      const refused = await call(a.client, "set_alt_url", { ...ROW, statuses: ["DOWN"] });
      const error = refused.structured.error!;
      expect(error.code).toBe("VICIDIAL_UNREACHABLE");
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/coordination server redis:\/\/127\.0\.0\.1:\d+\/? \(VICIDIAL_COORDINATION_URL\) does not answer/);
      expect(error.message).toMatch(/reads keep working/);
      expect(error.fix).toMatch(/Start the Redis or Valkey server/);
      expect(writeRequests(sandbox)).toHaveLength(sent);
      // A dry run of a write takes the entry's lock too: refused the same way.
      const dry = await call(a.client, "set_alt_url", { ...ROW, statuses: ["DOWN"], dry_run: true });
      expect(dry.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
      // Destructive tools too, and nothing leaves for them either.
      const del = await call(a.client, "delete_alt_url", { campaign_id: "2001", id: 1 });
      expect(del.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
      expect(writeRequests(sandbox)).toHaveLength(sent);
      expect(a.logs.some((l) => l.level === "warn" && /coordination server .* is unreachable/.test(l.message))).toBe(true);
    } finally {
      await redis.restart();
    }
    const until = Date.now() + 15_000;
    while (!a.fleet!.coordination.ready && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const back = await call(a.client, "set_alt_url", { ...ROW, statuses: ["BACK"] });
    expect(back.isError, back.text).toBe(false);
    expect(back.structured.action).toBe("created");
  });

  it(TESTS[5]!, async () => {
    sandbox = await startSandbox();
    const quiet = createLogger(new Redactor(), "error", () => {});
    const c = new Coordination({ url: redis.url, log: quiet });
    await c.start();
    const errors: string[] = [];
    quiet.subscribe((e) => errors.push(e.message));
    const locks = new FleetLocks(c, { namespace: "test", log: quiet, ttlMs: 600 });
    const peek = redis.client();
    try {
      // The holder's token is in the key while the write runs; meanwhile the lock "expires" and another
      // instance takes it: the first one's release must not delete the other's lock.
      let seenInside: string | null = null;
      await locks.run("default\u0000campaign\u00002001", async () => {
        const [key] = await peek.keys("vicidial-alturl-mcp:lock:test:*");
        seenInside = await peek.get(key!);
        await peek.set(key!, "someone-else", "PX", 10_000);
      });
      expect(seenInside).toMatch(/^[0-9a-f-]{36}$/);
      const [key] = await peek.keys("vicidial-alturl-mcp:lock:test:*");
      expect(await peek.get(key!)).toBe("someone-else");
      // An instance that died holding the lock: the next writer waits until it expires, then runs.
      await peek.set(key!, "dead-instance", "PX", 300);
      const t0 = Date.now();
      let waited = 0;
      await locks.run("default\u0000campaign\u00002001", async () => {
        waited = Date.now() - t0;
      });
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(await peek.exists(key!)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
