/**
 * What each system keeps to itself beyond its login stop (issue 12,
 * isolation): its concurrency cap, its write locks and its campaign cache.
 * A system that is slow right now is a sandbox behind a proxy that holds its
 * requests back until the test lets them go, so "the other system went on
 * meanwhile" is shown without racing a clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type CallResult, call } from "./helpers/harness.js";
import { type HoldingProxy, holdingProxy } from "./helpers/holdingProxy.js";
import { inProcessSystems } from "./helpers/systems.js";

type Rig = Awaited<ReturnType<typeof inProcessSystems>>;
let sandboxes: Sandbox[] = [];
let proxy: HoldingProxy | null = null;
let h: Rig | null = null;

afterEach(async () => {
  proxy?.release();
  await h?.close();
  await proxy?.close();
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
  proxy = null;
  h = null;
});

async function sandbox(seed = defaultSeed()): Promise<Sandbox> {
  const sb = await startSandbox({ seed });
  sandboxes.push(sb);
  return sb;
}

/** The call's result, or "blocked" when it is still waiting after `ms` (what a shared cap or lock would do). */
async function unlessBlocked(p: Promise<CallResult>, ms = 15_000): Promise<CallResult | "blocked"> {
  let timer: NodeJS.Timeout | undefined;
  const blocked = new Promise<"blocked">((r) => {
    timer = setTimeout(() => r("blocked"), ms);
  });
  try {
    return await Promise.race([p, blocked]);
  } finally {
    clearTimeout(timer);
  }
}

/** Requests that can change data (the sandbox's own rule: an update_alt_url that is not a LIST, or update_campaign). */
const isWrite = (p: URLSearchParams) =>
  p.get("function") === "update_campaign" || (p.get("function") === "update_alt_url" && p.get("alt_url_id")?.toUpperCase() !== "LIST");

describe("each system's own concurrency cap", () => {
  it("a slow system at its max_concurrency does not throttle calls to another system", async () => {
    const slowSb = await sandbox();
    const fastSb = await sandbox();
    proxy = await holdingProxy(slowSb.url);
    h = await inProcessSystems({
      systems: [
        { name: "slow", sandbox: slowSb, url: proxy.url, maxConcurrency: 2, timeoutMs: 60_000 },
        { name: "fast", sandbox: fastSb, maxConcurrency: 2 },
      ],
      defaultSystem: null,
    });
    // Logins proven and campaigns cached on both, so what follows is plain reads.
    for (const system of ["slow", "fast"]) expect((await call(h.client, "list_campaigns", { system })).isError).toBe(false);

    proxy.hold();
    const slowCalls = [1, 2, 3, 4].map(() => call(h!.client, "list_alt_urls", { system: "slow", campaign_id: "2001" }));
    await proxy.waitForHeld(2);

    // The slow system's two slots are taken; the fast one still runs two at a time of its own.
    fastSb.setFaults([{ mode: "latency", latencyMs: 150 }]);
    fastSb.resetStats();
    const fast = await unlessBlocked(
      Promise.all([1, 2, 3, 4].map(() => call(h!.client, "list_alt_urls", { system: "fast", campaign_id: "2001" }))).then((rs) => {
        for (const r of rs) expect(r.isError, r.text).toBe(false);
        return rs[0]!;
      }),
    );
    expect(fast, "calls to fast waited for slow's slots").not.toBe("blocked");
    expect((fast as CallResult).structured.system).toBe("fast");
    expect(fastSb.stats().maxInFlight, "fast used its own two slots").toBe(2);
    // Meanwhile slow kept to its cap: two held, the other two still queued in the server.
    expect(proxy.held).toBe(2);

    proxy.release();
    for (const r of await Promise.all(slowCalls)) {
      expect(r.isError, r.text).toBe(false);
      expect(r.structured.system).toBe("slow");
    }
    expect(proxy.maxHeld).toBe(2);
  });
});

describe("each system's own write locks", () => {
  it("a slow write on system A's campaign 2001 does not delay a write on system B's campaign 2001", async () => {
    const aSb = await sandbox();
    const bSb = await sandbox();
    proxy = await holdingProxy(aSb.url);
    h = await inProcessSystems({
      systems: [
        { name: "a", sandbox: aSb, url: proxy.url, timeoutMs: 60_000 },
        { name: "b", sandbox: bSb },
      ],
      defaultSystem: null,
    });
    for (const system of ["a", "b"]) expect((await call(h.client, "list_campaigns", { system })).isError).toBe(false);

    // A's write reaches VICIdial and stays there, inside A's lock on campaign 2001.
    proxy.hold(isWrite);
    const aWrite = call(h.client, "set_alt_url", {
      system: "a",
      campaign_id: "2001",
      statuses: ["AHELD"],
      url: "https://crm.example.com/a",
    });
    await proxy.waitForHeld(1);

    const b = await unlessBlocked(
      call(h.client, "set_alt_url", { system: "b", campaign_id: "2001", statuses: ["BFREE"], url: "https://crm.example.com/b" }),
    );
    expect(b, "B's write waited for A's lock").not.toBe("blocked");
    expect((b as CallResult).isError, (b as CallResult).text).toBe(false);
    expect((b as CallResult).structured).toMatchObject({ action: "created", system: "b" });
    expect(proxy.held, "A's write was still held while B's was done").toBe(1);

    proxy.release();
    const a = await aWrite;
    expect(a.isError, a.text).toBe(false);
    expect(a.structured).toMatchObject({ action: "created", system: "a" });
    // Each write landed on its own system only.
    expect(aSb.dump()).toContain("AHELD");
    expect(aSb.dump()).not.toContain("BFREE");
    expect(bSb.dump()).toContain("BFREE");
    expect(bSb.dump()).not.toContain("AHELD");
  });
});

describe("each system's own campaign cache", () => {
  it("a campaign on one system only is resolved there and refused on the other, even once the first has cached it", async () => {
    const aSeed = defaultSeed();
    aSeed.campaigns.push({ ...aSeed.campaigns[0]!, campaign_id: "4001", campaign_name: "Only on A" });
    const bSeed = defaultSeed();
    bSeed.campaigns.push({ ...bSeed.campaigns[0]!, campaign_id: "5001", campaign_name: "Only on B" });
    const aSb = await sandbox(aSeed);
    const bSb = await sandbox(bSeed);
    h = await inProcessSystems({
      systems: [
        { name: "a", sandbox: aSb },
        { name: "b", sandbox: bSb },
      ],
      defaultSystem: "a",
    });

    const onA = await call(h.client, "list_alt_urls", { system: "a", campaign_id: "4001" });
    expect(onA.isError, onA.text).toBe(false);
    expect(onA.structured).toMatchObject({ system: "a", campaign_id: "4001" });

    // A's cache now holds 4001; B answers from its own list.
    const onB = await call(h.client, "list_alt_urls", { system: "b", campaign_id: "4001" });
    expect(onB.structured.error?.code).toBe("CAMPAIGN_NOT_FOUND");
    expect(onB.structured.system).toBe("b");
    expect(onB.structured.error?.message).toMatch(/^System "b": /);
    const bAsked = bSb.stats().log.map((r) => new URLSearchParams(r.params));
    expect(bAsked.some((p) => p.get("function") === "campaigns_list")).toBe(true);
    expect(bAsked.some((p) => p.get("campaign_id") === "4001")).toBe(false);

    // And the other way round, with both caches warm now.
    const fiveOnB = await call(h.client, "list_alt_urls", { system: "b", campaign_id: "5001" });
    expect(fiveOnB.isError, fiveOnB.text).toBe(false);
    const fiveOnA = await call(h.client, "list_alt_urls", { campaign_id: "5001" });
    expect(fiveOnA.structured.error?.code).toBe("CAMPAIGN_NOT_FOUND");
    expect(fiveOnA.structured.system).toBe("a");
    const aAsked = aSb.stats().log.map((r) => new URLSearchParams(r.params));
    expect(aAsked.filter((p) => p.get("function") === "campaigns_list")).toHaveLength(1);
    expect(aAsked.some((p) => p.get("campaign_id") === "5001")).toBe(false);
  });
});
