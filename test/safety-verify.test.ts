/**
 * Guarantee 2, second half (issue 3): after each write the stored row is
 * read back and compared with what was meant; any difference is
 * VERIFY_FAILED naming the field and both values. Also the retargeting
 * trap (facts §3): VICIdial applying a change to another row is caught.
 */
import { afterEach, describe, expect, it } from "vitest";
import { assertSameRow } from "../src/client/apiStore.js";
import { ToolError } from "../src/common/errors.js";
import type { AltUrl } from "../src/common/model.js";
import { verifyStored } from "../src/domain/outcomes.js";
import { call, type InProcess } from "./helpers/harness.js";
import { direct, open, storedRows, waitFor } from "./safety-helpers.js";

const ENTRY = { id: "2001", type: "campaign" as const };
const row: AltUrl = {
  id: 9,
  campaign_id: "2001",
  url_type: "dispo",
  entry_type: "campaign",
  active: true,
  rank: 1,
  statuses: ["SALE"],
  all_statuses: false,
  description: "d",
  lists: [],
  min_call_length: 0,
  url: "https://a.example.com/x",
};

function thrown(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return e as ToolError;
  }
  throw new Error("expected a ToolError");
}

describe("verifyStored and assertSameRow", () => {
  it("accepts a row equal to what was meant on every given field", () => {
    expect(verifyStored(row, { url: row.url, statuses: ["SALE"], active: true } as never, 9, ENTRY)).toBe(row);
  });

  it("names the field and both values when VICIdial stored something else", () => {
    const e = thrown(() =>
      verifyStored({ ...row, url: "https://a.example.com/xfrag" }, { url: "https://a.example.com/x%23frag" } as never, 9, ENTRY),
    );
    expect(e.code).toBe("VERIFY_FAILED");
    expect(e.field).toBe("url");
    expect(e.message).toContain('meant "https://a.example.com/x%23frag"');
    expect(e.message).toContain('VICIdial stored "https://a.example.com/xfrag"');
  });

  it("reports every differing field, first one as the field", () => {
    const e = thrown(() =>
      verifyStored({ ...row, statuses: ["SALEB"], lists: ["101"] }, { statuses: ["SALE_B"], lists: ["101", "102"] } as never, 9, ENTRY),
    );
    expect(e.field).toBe("statuses");
    expect(e.message).toContain('statuses: meant ["SALE_B"], VICIdial stored ["SALEB"]');
    expect(e.message).toContain('lists: meant ["101","102"], VICIdial stored ["101"]');
  });

  it("assertSameRow refuses an answer about another row, or about none", () => {
    expect(() => assertSameRow(6, 6)).not.toThrow();
    const e = thrown(() => assertSameRow(6, 5));
    expect(e.code).toBe("VERIFY_FAILED");
    expect(e.message).toContain("Alt URL 5 instead of 6");
    expect(thrown(() => assertSameRow(6, null)).message).toContain("(none) instead of 6");
  });

  it("a row missing on read-back is VERIFY_FAILED", () => {
    expect(thrown(() => verifyStored(undefined, { active: false } as never, 9, ENTRY)).code).toBe("VERIFY_FAILED");
  });
});

describe("through the server and the sandbox", () => {
  let h: InProcess | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  const writeAnswered = (id: string) => () =>
    h!.sandbox
      .stats()
      .log.some(
        (r) =>
          r.status === 200 &&
          r.params.some(([k, v]) => k === "alt_url_id" && v === id) &&
          r.params.some(([k]) => k === "url_address" || k === "url_description"),
      );
  const writeArrived = (id: string) => () =>
    h!.sandbox
      .stats()
      .log.some((r) => r.params.some(([k, v]) => k === "alt_url_id" && v === id) && r.params.some(([k]) => k === "url_description"));

  it("a row changed by someone else between the write and the read-back is VERIFY_FAILED with both values", async () => {
    h = await open();
    // The first LIST goes through at once; the read-back LIST waits long enough for a colleague's edit.
    h.sandbox.setFaults([
      { mode: "latency", latencyMs: 0, match: { path: "api", function: "update_alt_url", write: false }, times: 1 },
      { mode: "latency", latencyMs: 1500, match: { path: "api", function: "update_alt_url", write: false }, times: 1 },
    ]);
    const pending = call(h.client, "set_alt_url", {
      campaign_id: "2001",
      id: 2,
      statuses: ["SALE", "PSALE"],
      url: "https://orders.example.com/api/v2",
    });
    await waitFor(writeAnswered("2"), 5000, "the write to be answered");
    await direct(h.sandbox, {
      function: "update_alt_url",
      campaign_id: "2001",
      entry_type: "campaign",
      url_type: "dispo",
      alt_url_id: "2",
      url_address: "https://intruder.example.com/x",
    });
    const r = await pending;
    expect(r.structured.error?.code).toBe("VERIFY_FAILED");
    expect(r.structured.error?.field).toBe("url");
    expect(r.structured.error?.message).toContain('meant "https://orders.example.com/api/v2"');
    expect(r.structured.error?.message).toContain('VICIdial stored "https://intruder.example.com/x"');
    expect(r.structured.error?.fix).toContain("list_alt_urls");
  });

  it("the retargeting trap: a row deleted under a write makes VICIdial change another row, and the result says so", async () => {
    h = await open();
    // Campaign 3001 has one row (5); add a second, inactive one to aim at.
    const made = await call(h.client, "set_alt_url", {
      campaign_id: "3001",
      statuses: ["TEMP"],
      url: "https://retention.example.com/temp",
      active: false,
    });
    const id = String((made.structured.alt_url as { id: number }).id);
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 1500, match: { write: true }, times: 1 }]);
    const pending = call(h.client, "set_alt_url", {
      campaign_id: "3001",
      id: Number(id),
      statuses: ["TEMP"],
      url: "https://retention.example.com/temp",
      description: "changed",
    });
    await waitFor(writeArrived(id), 5000, "the write to arrive");
    // While the write waits, a colleague deletes the row: one row is left, so VICIdial retargets to it.
    expect(await direct(h.sandbox, { campaign_id: "3001", url_id: id }, "admin")).toContain(`MULTI URL DELETED (ID: ${id})`);
    const r = await pending;
    expect(r.structured.error?.code).toBe("VERIFY_FAILED");
    expect(r.structured.error?.field).toBe("id");
    expect(r.structured.error?.message).toContain(`Alt URL 5 instead of ${id}`);
    // The trap is real: row 5 was changed, and the error is what tells the person.
    expect(storedRows(h.sandbox, "3001").map((x) => [x.url_id, x.url_description])).toEqual([[5, "changed"]]);
  });

  it("a write VICIdial stores differently is never reported as done (stored row compared, not the answer)", async () => {
    h = await open();
    // A colleague's edit lands at the same moment as ours: the answer says UPDATED, the row says otherwise.
    h.sandbox.setFaults([{ mode: "latency", latencyMs: 800, match: { write: true }, times: 1 }]);
    const pending = call(h.client, "set_alt_url", {
      campaign_id: "2001",
      id: 3,
      statuses: ["CALLBK"],
      url: "https://calendar.example.com/new",
      description: "ours",
    });
    await waitFor(writeArrived("3"), 5000, "the write to arrive");
    await direct(h.sandbox, {
      function: "update_alt_url",
      campaign_id: "2001",
      entry_type: "campaign",
      url_type: "dispo",
      alt_url_id: "3",
      url_statuses: "CALLBK XFER",
    });
    const r = await pending;
    expect(r.structured.error?.code).toBe("VERIFY_FAILED");
    expect(r.structured.error?.field).toBe("statuses");
    expect(r.structured.error?.message).toContain('statuses: meant ["CALLBK"], VICIdial stored ["CALLBK","XFER"]');
  });
});
