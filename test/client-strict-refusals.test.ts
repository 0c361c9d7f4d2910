/**
 * Issue 15's client point: a real VICIdial in strict SQL mode answers a value
 * its database refuses with HTTP 500 and an empty body (the API), or stops
 * after its header (the admin page), writing nothing. Our tools refuse such
 * values before sending, so these tests drive them below the tools: through
 * the writer and through VicidialApi itself. Each time the answer is taken as
 * an unknown outcome, nothing is sent again, the entry is listed, and the
 * answer says what is stored.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../src/client/transport.js";
import type { RowValues } from "../src/common/model.js";
import { type InProcess, inProcess } from "./helpers/harness.js";
import { adminActions } from "./helpers/toolCalls.js";
import { writeRequests } from "./safety-helpers.js";

const CALLER = { tool: "test", actor: "test" };
const URL = "https://crm.example.com/strict";

let h: InProcess;
afterEach(() => h?.close());

/** Write through the one writer, as a tool would, with values no tool would let through. */
async function put(entry: { id: string; type: "campaign" | "ingroup" }, id: number | null, desired: Partial<RowValues>) {
  const sys = h.services.system();
  return sys.writer.session(entry, "dispo", async (s) =>
    s.put({ target: id === null ? null : s.find(id), desired, dryRun: false, caller: CALLER }),
  );
}

const apiFunctions = () =>
  h.sandbox
    .stats()
    .log.filter((r) => r.path.endsWith("/non_agent_api.php"))
    .map((r) => new Map(r.params).get("alt_url_id") ?? new Map(r.params).get("function"));

describe("HTTP 500 with an empty body from the API (strict SQL mode)", () => {
  it("a new row with a rank over 32767: sent once, listed again, and the answer says it is not stored", async () => {
    h = await inProcess();
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const err = await put({ id: "2001", type: "campaign" }, null, { url: URL, statuses: ["STRICT"], rank: 99_999 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "VICIDIAL_ERROR" });
    expect((err as Error).message).toMatch(/Listing campaign 2001 again .* shows the new Alt URL was not applied: nothing changed/);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
    // The session's listing, the one NEW, then the listing that settles it: nothing resent.
    expect(apiFunctions()).toEqual(["LIST", "NEW", "LIST"]);
    expect(h.sandbox.dump()).toBe(before);
  });

  it("a change with a minimum length over 32767: sent once, listed again, the row as it was", async () => {
    h = await inProcess();
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const err = await put({ id: "2001", type: "campaign" }, 1, { min_call_length: 40_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "VICIDIAL_ERROR" });
    expect((err as Error).message).toMatch(/shows the change to Alt URL 1 was not applied: nothing changed/);
    expect(apiFunctions()).toEqual(["LIST", "1", "LIST"]);
    expect(h.sandbox.dump()).toBe(before);
  });

  it("an id like 1A, through VicidialApi: an unknown outcome (callers must list), sent once, nothing written", async () => {
    h = await inProcess();
    const api = h.services.system().api;
    await api.listAltUrls("2001", "dispo"); // a proven login, so a retry would be allowed if it were a read
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const err = await api.updateAltUrl("2001", "dispo", "1A" as unknown as number, { url_description: "changed" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: "VICIDIAL_ERROR", outcomeUnknown: true, vicidialResponse: null });
    expect(apiFunctions()).toEqual(["1A"]);
    expect(h.sandbox.dump()).toBe(before);
  });

  it("the sandbox's http500-empty fault on an applied-looking write is settled by the listing too", async () => {
    h = await inProcess();
    h.sandbox.setFaults([{ mode: "http500-empty", match: { write: true }, times: 1 }]);
    h.sandbox.resetStats();
    const err = await put({ id: "2001", type: "campaign" }, null, { url: URL, statuses: ["FAULT"] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/was not applied: nothing changed/);
    expect(writeRequests(h.sandbox)).toHaveLength(1);
  });
});

describe("the admin page stopping after its header (strict SQL mode)", () => {
  it("an in-group row with a rank over 32767: NEW sent once, listed again, and the answer says nothing changed", async () => {
    h = await inProcess();
    const before = h.sandbox.dump();
    h.sandbox.resetStats();
    const err = await put({ id: "SALESLINE", type: "ingroup" }, null, {
      url: URL,
      statuses: ["STRICT"],
      rank: 99_999,
      description: "strict",
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "VERIFY_FAILED" });
    expect((err as Error).message).toMatch(/admin page stopped without an answer .* shows nothing changed/);
    expect(adminActions(h.sandbox.stats().log)).toEqual(["LIST", "URL_MULTI_NEW", "LIST"]);
    expect(h.sandbox.dump()).toBe(before);
  });
});
