/**
 * Faults aimed at the one request that changes data, for every write tool and
 * every fault: the write is never resent blindly, no row is duplicated or
 * lost, and the result says exactly which state VICIdial is left in: done
 * (reconciled by listing again), not done, or the named half-way state. Then
 * the call the error's fix points to finishes the job.
 *
 * Each scenario is first run on a healthy sandbox to learn the request to
 * break (the n-th request of its kind) and the state it should end in.
 */
import { describe, expect, it } from "vitest";
import { type FaultRule, type SandboxRequestRecord, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import {
  APPLYING_MODES,
  describeLog,
  ERROR_MODES,
  type ErrorMode,
  EXPECTED_CODE,
  errorOf,
  visibleState,
  writeRequests,
} from "./faults-helpers.js";
import { type CallResult, call, inProcess } from "./helpers/harness.js";

const ENV = { VICIDIAL_TIMEOUT_MS: "300" };
const NOT_APPLIED = /not applied: nothing changed|unchanged and still active/;
/** A timed-out write may still land late: its answer says the outcome is unknown, never that nothing changed. */
const OUTCOME_UNKNOWN = /outcome is unknown|unchanged and still active/;
const notAppliedFor = (mode: ErrorMode) => (mode === "hang" ? OUTCOME_UNKNOWN : NOT_APPLIED);

type Match = NonNullable<FaultRule["match"]>;

interface HalfWay {
  /** true when the stored state is this half-way state */
  holds(state: string[], before: string[], final: string[]): boolean;
  /** what the error must say about it */
  says: RegExp;
}

interface Scenario {
  name: string;
  tool: string;
  args: Record<string, unknown>;
  /** The kind of request the fault is aimed at (the sandbox matches path and function). */
  match: Match;
  /** The request to break: the first of that kind this holds for (or the `nth`, from 0). */
  target(params: Map<string, string>): boolean;
  nth?: number;
  halfWay?: HalfWay;
  /** The call that finishes the job after an error (default: the same call again). */
  recover?(r: CallResult): { tool: string; args: Record<string, unknown> };
}

const ALT_URL = { path: "api", function: "update_alt_url" } as const;
const PRESERVE = "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--";

const SCENARIOS: Scenario[] = [
  {
    name: "set_alt_url creating a row",
    tool: "set_alt_url",
    args: { campaign_id: "2001", statuses: ["NI", "DNC"], url: "https://crm.example.com/ni?lead=--A--lead_id--B--" },
    match: ALT_URL,
    target: (p) => p.get("alt_url_id") === "NEW",
  },
  {
    name: "set_alt_url updating a row",
    tool: "set_alt_url",
    args: { campaign_id: "2001", id: 2, statuses: ["SALE", "PSALE"], url: "https://orders.example.com/api/v2?lead=--A--lead_id--B--" },
    match: ALT_URL,
    target: (p) => p.get("alt_url_id") === "2" && p.has("url_address"),
  },
  {
    name: "enable_alt_url",
    tool: "enable_alt_url",
    args: { campaign_id: "2001", id: 3 },
    match: ALT_URL,
    target: (p) => p.get("active") === "Y",
  },
  {
    name: "disable_alt_url",
    tool: "disable_alt_url",
    args: { campaign_id: "2001", id: 1 },
    match: ALT_URL,
    target: (p) => p.get("active") === "N",
  },
  {
    name: "delete_alt_url of an active row, breaking the switch-off",
    tool: "delete_alt_url",
    args: { campaign_id: "2001", id: 1 },
    match: ALT_URL,
    target: (p) => p.get("active") === "N",
  },
  {
    name: "delete_alt_url of an active row, breaking the delete",
    tool: "delete_alt_url",
    args: { campaign_id: "2001", id: 1 },
    match: { path: "admin" },
    target: (p) => p.has("url_id"),
    halfWay: {
      holds: (state, before) => state.length === before.length && state.some((l) => /^row 2001\/dispo \[SALE\] N /.test(l)),
      says: /switched off \(inactive\) but not deleted/,
    },
  },
  {
    name: "delete_alt_url of an inactive row",
    tool: "delete_alt_url",
    args: { campaign_id: "2001", id: 3 },
    match: { path: "admin" },
    target: (p) => p.has("url_id"),
  },
  {
    name: "enable_alt_url_mode, breaking the switch",
    tool: "enable_alt_url_mode",
    args: { campaign_id: "2002", preserve_url: PRESERVE },
    match: { path: "api", function: "update_campaign" },
    target: (p) => p.get("dispo_call_url") === "ALT",
  },
  {
    name: "enable_alt_url_mode, breaking the preserved URL",
    tool: "enable_alt_url_mode",
    args: { campaign_id: "2002", preserve_url: PRESERVE },
    match: ALT_URL,
    target: (p) => p.get("alt_url_id") === "NEW",
    halfWay: {
      holds: (state) => state.includes("campaign 2002 dispo=ALT") && !state.some((l) => l.startsWith("row 2002/")),
      says: /now in ALT mode, but preserve_url was not added/,
    },
    // The error's fix: add the URL with set_alt_url, do not switch again.
    recover: () => ({ tool: "set_alt_url", args: { campaign_id: "2002", statuses: ["---ALL---"], url: PRESERVE, rank: 1 } }),
  },
  {
    name: "copy_alt_urls, breaking the second new row",
    tool: "copy_alt_urls",
    args: { from_campaign_id: "2001", to_campaign_ids: ["3001"] },
    match: ALT_URL,
    target: (p) => p.get("alt_url_id") === "NEW",
    // The second, so one row is already copied: a partly copied target.
    nth: 1,
  },
  {
    name: "copy_alt_urls with replace, breaking the delete of a row the source lacks",
    tool: "copy_alt_urls",
    args: { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true },
    match: { path: "admin" },
    target: (p) => p.has("url_id"),
  },
];

/** The sandbox's view of a rule's match: path and function. */
function matches(r: SandboxRequestRecord, m: Match): boolean {
  const path = r.path.endsWith("/admin_url_multi.php") ? "admin" : r.path.endsWith("/non_agent_api.php") ? "api" : "other";
  if (m.path !== undefined && m.path !== path) return false;
  return m.function === undefined || new Map(r.params).get("function") === m.function;
}

interface Calibration {
  /** how many requests of the matched kind come before the one to break */
  skip: number;
  final: string[];
  writes: number;
}

/** A healthy run: the final state and where the target request sits. */
async function calibrate(sc: Scenario): Promise<Calibration> {
  const sandbox = await startSandbox();
  const h = await inProcess({ useSandbox: sandbox, env: ENV });
  try {
    const r = await call(h.client, sc.tool, sc.args);
    expect(errorOf(r), `healthy run of ${sc.name}: ${r.text}`).toBeNull();
    const log = sandbox.stats().log;
    const kind = log.filter((x) => matches(x, sc.match));
    const hits = kind.map((x, i) => (sc.target(new Map(x.params)) ? i : -1)).filter((i) => i >= 0);
    const skip = hits[sc.nth ?? 0];
    if (skip === undefined) throw new Error(`${sc.name}: the request to break was not sent [${describeLog(log)}]`);
    return { skip, final: visibleState(sandbox), writes: writeRequests(log).length };
  } finally {
    await h.close();
    await sandbox.close();
  }
}

function assertStateIsStated(sc: Scenario, mode: ErrorMode, r: CallResult, state: string[], before: string[], final: string[]): void {
  const err = errorOf(r);
  const where = `${sc.name} under ${mode}: ${r.text}`;
  if (!err) {
    // Success is only honest when the change really is there.
    expect(state, where).toEqual(final);
    expect([...APPLYING_MODES, "latency"], where).toContain(mode);
    return;
  }
  expect(err.code, where).toBe(EXPECTED_CODE[mode]);
  expect(err.fix.length, where).toBeGreaterThan(10);
  if (sc.tool === "copy_alt_urls") {
    // Per row, the result must match the target campaign's rows.
    const rows = (
      r.structured.results as {
        rows: { action: string; source_id: number | null; statuses: string[]; error: { message: string } | null }[];
      }[]
    )[0]!.rows;
    for (const row of rows) {
      const line = state.find((l) => l.startsWith(`row 3001/dispo [${[...row.statuses].sort().join(" ")}] `));
      const was = before.find((l) => l.startsWith(`row 3001/dispo [${[...row.statuses].sort().join(" ")}] `));
      const what = `${where}\nrow ${row.statuses.join(" ")} reported ${row.action}; stored: ${line ?? "none"}`;
      if (row.source_id !== null) {
        // A copied row: created means stored; a failed or skipped one was not created.
        expect(line !== undefined, what).toBe(row.action === "created");
        if (row.action === "error") expect(row.error?.message, what).toMatch(notAppliedFor(mode));
      } else if (row.action === "deleted") {
        expect(line, what).toBeUndefined();
      } else {
        // A row the source lacks that could not be deleted: still there, and the result says whether it was switched off.
        expect(line, what).toBeDefined();
        expect(row.error?.message, what).toMatch(line === was ? notAppliedFor(mode) : /switched off .*not deleted/);
      }
    }
    return;
  }
  if (mode === "hang") {
    expect(err.message, where).not.toMatch(/nothing changed/);
    expect(r.structured.error?.retryable, where).toBe(false);
  }
  if (JSON.stringify(state) === JSON.stringify(before)) {
    expect(err.message, where).toMatch(notAppliedFor(mode));
  } else if (sc.halfWay?.holds(state, before, final)) {
    expect(err.message, where).toMatch(sc.halfWay.says);
  } else {
    throw new Error(`${where}\nleft an unexpected state:\n${state.join("\n")}`);
  }
}

const TOOLS = new Set(ALL_TOOLS.map((t) => t.name));

describe.each(SCENARIOS.filter((s) => TOOLS.has(s.tool)).map((s) => [s.name, s] as const))("%s", (_name, sc) => {
  let calibration: Calibration | null = null;

  it.each(ERROR_MODES)("%s on the write: no blind resend, no duplicate, state stated", async (mode) => {
    calibration ??= await calibrate(sc);
    const { skip, final, writes } = calibration;
    const sandbox = await startSandbox();
    const h = await inProcess({ useSandbox: sandbox, env: ENV });
    try {
      const before = visibleState(sandbox);
      // Let `skip` requests of the kind through untouched, then break exactly one.
      sandbox.setFaults([
        ...(skip > 0 ? [{ mode: "latency" as const, latencyMs: 0, match: sc.match, times: skip }] : []),
        { mode, match: sc.match, times: 1 },
      ]);
      const r = await call(h.client, sc.tool, sc.args);
      const log = sandbox.stats().log;
      const sent = writeRequests(log);

      // Never resent: every write request is distinct, and no more of them than a healthy run sends.
      const keys = sent.map((x) => JSON.stringify(x.params));
      expect(new Set(keys).size, `a write was resent [${describeLog(log)}]`).toBe(keys.length);
      expect(sent.length).toBeLessThanOrEqual(writes);
      assertStateIsStated(sc, mode, r, visibleState(sandbox), before, final);

      // Healthy again: what the result (or its fix) points to finishes the job, with nothing duplicated or lost.
      sandbox.setFaults([]);
      const next = sc.recover && errorOf(r) ? sc.recover(r) : { tool: sc.tool, args: sc.args };
      const again = await call(h.client, next.tool, next.args);
      const gone = again.structured.error?.code === "ALT_URL_NOT_FOUND" && sc.tool === "delete_alt_url";
      expect(errorOf(again) === null || gone, `${next.tool} after ${mode}: ${again.text}`).toBe(true);
      expect(visibleState(sandbox)).toEqual(final);
    } finally {
      await h.close();
      await sandbox.close();
    }
  });
});
