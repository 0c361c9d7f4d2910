/**
 * Guarantee 8 (issue 3): delete_alt_url, enable_alt_url_mode and
 * copy_alt_urls with replace ask the person through MCP elicitation when the
 * client can, showing what will change; decline or cancel is DECLINED and
 * nothing changes. A client without elicitation is not asked (the tools'
 * destructive hint is for its own confirmation).
 */
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call, type InProcess } from "./helpers/harness.js";
import { open, storedCampaign, storedRows, writeRequests } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const hasCopy = ALL_TOOLS.some((t) => t.name === "copy_alt_urls");

/** A client that answers every elicitation with `answer`, remembering the questions. */
async function withAnswer(answer: ElicitResult | (() => never)) {
  const asked: string[] = [];
  h = await open({
    elicit: (message) => {
      asked.push(message);
      return typeof answer === "function" ? answer() : answer;
    },
  });
  return asked;
}

const ACCEPT: ElicitResult = { action: "accept", content: { confirm: true } };
const refusals: [string, ElicitResult | (() => never)][] = [
  ["decline", { action: "decline" }],
  ["cancel", { action: "cancel" }],
  ["accept without ticking the box", { action: "accept", content: { confirm: false } }],
  [
    "a failing client",
    () => {
      throw new Error("the client's dialog crashed");
    },
  ],
];

interface Case {
  tool: string;
  args: Record<string, unknown>;
  /** Words the question must show: what will change. */
  shows: string[];
  done: () => void;
}

const cases: Case[] = [
  {
    tool: "delete_alt_url",
    args: { campaign_id: "2001", id: 2 },
    shows: ["Delete Alt URL 2", "https://orders.example.com/api/vicidial?lead=--A--lead_id--B--", "cannot be undone"],
    done: () => expect(storedRows(h!.sandbox, "2001").some((r) => r.url_id === 2)).toBe(false),
  },
  {
    tool: "enable_alt_url_mode",
    args: { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--" },
    shows: ["Switch campaign 2002", "overwritten", "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--"],
    done: () => expect(storedCampaign(h!.sandbox, "2002").dispo_call_url).toBe("ALT"),
  },
];
if (hasCopy) {
  cases.push({
    tool: "copy_alt_urls",
    args: { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true },
    shows: ["DELETED", "Campaign 3001", "Alt URL 5", "https://retention.example.com/saved"],
    done: () =>
      expect(
        storedRows(h!.sandbox, "3001")
          .map((r) => r.url_statuses)
          .sort(),
      ).toEqual(["---ALL---", "CALLBK", "SALE", "SALE PSALE"]),
  });
}

for (const c of cases) {
  describe(c.tool, () => {
    it("accepted: asked once, showing what will change, then done", async () => {
      const asked = await withAnswer(ACCEPT);
      const r = await call(h!.client, c.tool, c.args);
      expect(r.isError, r.text).toBe(false);
      expect(asked).toHaveLength(1);
      for (const words of c.shows) expect(asked[0]).toContain(words);
      c.done();
    });

    for (const [name, answer] of refusals) {
      it(`${name}: DECLINED, and nothing changed`, async () => {
        await withAnswer(answer);
        const before = h!.sandbox.dump();
        h!.sandbox.resetStats();
        const r = await call(h!.client, c.tool, c.args);
        expect(r.structured.error?.code, r.text).toBe("DECLINED");
        expect(r.structured.error?.message).toMatch(/Nothing was changed/);
        expect(r.structured.error?.retryable).toBe(false);
        expect(writeRequests(h!.sandbox)).toEqual([]);
        expect(h!.sandbox.dump()).toBe(before);
      });
    }

    it("a client without elicitation is not asked, and the change is made", async () => {
      h = await open();
      const r = await call(h.client, c.tool, c.args);
      expect(r.isError, r.text).toBe(false);
      c.done();
    });

    it("a dry run never asks", async () => {
      const asked = await withAnswer({ action: "decline" });
      const r = await call(h!.client, c.tool, { ...c.args, dry_run: true });
      expect(r.isError, r.text).toBe(false);
      expect(asked).toEqual([]);
    });

    it("is declared destructive, so clients without elicitation can confirm on their own", async () => {
      h = await open();
      const tool = (await h.client.listTools()).tools.find((t) => t.name === c.tool);
      expect(tool?.annotations?.destructiveHint).toBe(true);
    });
  });
}

describe("no question when nothing destructive would happen", () => {
  it("enable_alt_url_mode on a campaign already in ALT mode", async () => {
    const asked = await withAnswer({ action: "decline" });
    const r = await call(h!.client, "enable_alt_url_mode", { campaign_id: "2001" });
    expect(r.structured.action).toBe("unchanged");
    expect(asked).toEqual([]);
  });

  it("set_alt_url, enable_alt_url and disable_alt_url", async () => {
    const asked = await withAnswer({ action: "decline" });
    for (const [tool, args] of [
      ["set_alt_url", { campaign_id: "2001", statuses: ["ASK"], url: "https://crm.example.com/a" }],
      ["disable_alt_url", { campaign_id: "2001", id: 1 }],
      ["enable_alt_url", { campaign_id: "2001", id: 1 }],
    ] as const) {
      const r = await call(h!.client, tool, args);
      expect(r.isError, `${tool} ${r.text}`).toBe(false);
    }
    expect(asked).toEqual([]);
  });

  it.skipIf(!hasCopy)("copy_alt_urls without replace, or with nothing to delete", async () => {
    const asked = await withAnswer({ action: "decline" });
    const plain = await call(h!.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"] });
    expect(plain.isError, plain.text).toBe(false);
    // 3001 now holds every 2001 row plus its own row 5: copied back onto 2001 with replace, no 2001 row lacks a match, so nothing is deleted.
    const again = await call(h!.client, "copy_alt_urls", { from_campaign_id: "3001", to_campaign_ids: ["2001"], replace: true });
    expect(again.structured.error?.code ?? null, again.text).toBe(null);
    expect(asked).toEqual([]);
  });
});
