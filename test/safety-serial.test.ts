/**
 * Guarantee 4 (issue 3): writes to one campaign run one at a time inside
 * the server, so concurrent set_alt_url calls for the same statuses end in
 * one row, not one each. Different campaigns are not held up by each other.
 */
import { afterEach, describe, expect, it } from "vitest";
import { call, type InProcess } from "./helpers/harness.js";
import { open, safetySeed, storedRows, writeRequests } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("serialised writes", () => {
  it("ten concurrent set_alt_url calls for the same new statuses end in exactly one row", async () => {
    h = await open();
    const args = { campaign_id: "2001", statuses: ["RACE", "RACE2"], url: "https://crm.example.com/race?l=--A--lead_id--B--" };
    const results = await Promise.all(Array.from({ length: 10 }, () => call(h!.client, "set_alt_url", args)));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    const actions = results.map((r) => r.structured.action).sort();
    expect(actions).toEqual(["created", ...Array(9).fill("unchanged")]);
    const rows = storedRows(h.sandbox, "2001").filter((r) => r.url_statuses.split(" ").includes("RACE"));
    expect(rows).toHaveLength(1);
    expect(new Set(results.map((r) => (r.structured.alt_url as { id: number }).id))).toEqual(new Set([rows[0]!.url_id]));
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });

  it("ten concurrent calls with different URLs for the same statuses: one row, created once then updated in turn", async () => {
    h = await open();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(h!.client, "set_alt_url", { campaign_id: "2001", statuses: ["RACE"], url: `https://crm.example.com/race/${i}` }),
      ),
    );
    for (const r of results) expect(r.isError, r.text).toBe(false);
    const actions = results.map((r) => r.structured.action);
    expect(actions.filter((a) => a === "created")).toHaveLength(1);
    expect(actions.filter((a) => a === "updated")).toHaveLength(9);
    const rows = storedRows(h.sandbox, "2001").filter((r) => r.url_statuses === "RACE");
    expect(rows).toHaveLength(1);
    // Each call's read-back saw its own write: the last call to run holds the stored URL.
    expect(results.map((r) => (r.structured.alt_url as { url: string }).url)).toContain(rows[0]!.url_address);
  });

  it("writes to one campaign never overlap at VICIdial; writes to two campaigns do", async () => {
    h = await open();
    // Every write waits 300 ms at the sandbox, so overlapping writes are visible in its log.
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 300, match: { write: true } }]);
    // Warm the campaign cache so both campaigns start at once.
    await call(h.client, "list_campaigns");
    h.sandbox.resetStats();
    const t0 = Date.now();
    await Promise.all([
      call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["SERA"], url: "https://crm.example.com/a" }),
      call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["SERB"], url: "https://crm.example.com/b" }),
    ]);
    const same = Date.now() - t0;
    const sameWrites = writeRequests(h.sandbox).map((r) => r.at);
    expect(sameWrites).toHaveLength(2);
    expect(Math.abs(sameWrites[1]! - sameWrites[0]!)).toBeGreaterThanOrEqual(290);
    expect(same).toBeGreaterThanOrEqual(600);

    h.sandbox.resetStats();
    await Promise.all([
      call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["PARA"], url: "https://crm.example.com/a" }),
      call(h.client, "set_alt_url", { campaign_id: "3001", statuses: ["PARB"], url: "https://retention.example.com/b" }),
    ]);
    const otherWrites = writeRequests(h.sandbox).map((r) => r.at);
    expect(otherWrites).toHaveLength(2);
    expect(Math.abs(otherWrites[1]! - otherWrites[0]!)).toBeLessThan(250);
  });

  it("the lock is per campaign, not per spelling: alttest, ALTTEST and AltTest are one campaign", async () => {
    const seed = safetySeed();
    seed.campaigns.push({ ...seed.campaigns[0]!, campaign_id: "ALTTEST", campaign_name: "Letters", dispo_call_url: "ALT" });
    h = await open({ seed });
    const spellings = ["alttest", "ALTTEST", "AltTest", "altTEST", "ALTtest"];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(h!.client, "set_alt_url", {
          campaign_id: spellings[i % spellings.length],
          statuses: ["CASE"],
          url: "https://crm.example.com/case",
        }),
      ),
    );
    for (const r of results) expect(r.isError, r.text).toBe(false);
    expect(results.filter((r) => r.structured.action === "created")).toHaveLength(1);
    // Stored under the canonical id, once.
    expect(
      storedRows(h.sandbox)
        .filter((r) => r.url_statuses === "CASE")
        .map((r) => r.campaign_id),
    ).toEqual(["ALTTEST"]);
  });
});
