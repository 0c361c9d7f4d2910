/**
 * Reading the audit log back: each change is its intent line (PENDING) and
 * its outcome line under the same change_id, merged into one view. The file
 * may be large, so it is streamed line by line and only the changes that can
 * still be among the newest `limit` are kept in memory. A change whose log
 * holds only its intent line (the process stopped before the outcome, or the
 * outcome could not be appended) is shown with its outcome unknown.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { AuditRecord } from "./audit.js";

/** A change as list_changes shows it: its outcome line (or its intent line alone) with the outcome named. */
export type ChangeView = Omit<AuditRecord, "message" | "undoes" | "sandbox"> & {
  /** When the write finished (for a change with only its intent line: when it began); `result` is PENDING then. */
  outcome: "ok" | "failed" | "unknown";
  message: string | null;
  undoes: string | null;
};

export interface ChangeFilter {
  system?: string;
  campaign_id?: string;
  entry_type?: string;
  id?: number;
  tool?: string;
  /** ISO 8601: changes at or after this moment. */
  since?: string;
  limit: number;
}

interface Seen {
  intent: AuditRecord | null;
  outcome: AuditRecord | null;
}

const ONLY_INTENT =
  "Only the intent of this change was recorded: the server stopped (or could not write the log) before its outcome. Call list_alt_urls to see whether it happened.";

function view(id: string, s: Seen): ChangeView {
  const base = (s.outcome ?? s.intent)!;
  const result = s.outcome ? s.outcome.result : "PENDING";
  return {
    change_id: id,
    time: base.time,
    tool: base.tool,
    actor: base.actor ?? "unknown",
    system: base.system ?? "default",
    campaign_id: base.campaign_id,
    entry_type: base.entry_type ?? "campaign",
    url_type: base.url_type ?? null,
    alt_url_id: s.outcome?.alt_url_id ?? s.intent?.alt_url_id ?? null,
    action: base.action,
    before: base.before ?? null,
    after: s.outcome ? (s.outcome.after ?? null) : null,
    result,
    outcome: result === "OK" ? "ok" : result === "UNKNOWN" || result === "PENDING" ? "unknown" : "failed",
    message: s.outcome ? (s.outcome.message ?? null) : ONLY_INTENT,
    undoes: base.undoes ?? null,
  };
}

/** Every record of the file, in order; lines that are not records are counted and passed over. */
async function eachRecord(file: string, onRecord: (r: AuditRecord) => void): Promise<{ unreadable: number }> {
  let unreadable = 0;
  try {
    await stat(file);
  } catch (err) {
    // No log yet: nothing has been written since it was configured.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { unreadable };
    throw err;
  }
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as AuditRecord;
      if (typeof r?.change_id === "string" && typeof r.result === "string") onRecord(r);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { unreadable };
}

/** Filters that every line of one change shares (the id of a created row is known only from its outcome). */
function linePasses(r: AuditRecord, f: ChangeFilter): boolean {
  if (f.system !== undefined && (r.system ?? "default") !== f.system) return false;
  if (f.campaign_id !== undefined && r.campaign_id?.toUpperCase() !== f.campaign_id.toUpperCase()) return false;
  if (f.entry_type !== undefined && (r.entry_type ?? "campaign") !== f.entry_type) return false;
  if (f.tool !== undefined && r.tool !== f.tool) return false;
  return true;
}

function viewPasses(v: ChangeView, f: ChangeFilter, sinceMs: number | null): boolean {
  if (f.id !== undefined && v.alt_url_id !== f.id && (v.before as { id?: unknown } | null)?.id !== f.id) return false;
  if (sinceMs !== null && Date.parse(v.time) < sinceMs) return false;
  return true;
}

const newestFirst = (a: ChangeView, b: ChangeView) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0);

/** The changes matching the filter, newest first. */
export async function readChanges(
  file: string,
  f: ChangeFilter,
): Promise<{ changes: ChangeView[]; truncated: boolean; unreadable: number }> {
  const sinceMs = f.since ? Date.parse(f.since) : null;
  const open = new Map<string, Seen>();
  let done: ChangeView[] = [];
  let matched = 0;
  const { unreadable } = await eachRecord(file, (r) => {
    if (!linePasses(r, f)) return;
    const seen = open.get(r.change_id) ?? { intent: null, outcome: null };
    if (r.result === "PENDING") seen.intent = r;
    else seen.outcome = r;
    if (!seen.outcome) {
      open.set(r.change_id, seen);
      return;
    }
    open.delete(r.change_id);
    const v = view(r.change_id, seen);
    if (!viewPasses(v, f, sinceMs)) return;
    matched++;
    done.push(v);
    // Keep memory bounded: only the newest `limit` finished changes can still be shown.
    if (done.length > 2 * f.limit + 100) done = done.sort(newestFirst).slice(0, f.limit);
  });
  for (const [id, seen] of open) {
    const v = view(id, seen);
    if (!viewPasses(v, f, sinceMs)) continue;
    matched++;
    done.push(v);
  }
  const changes = done.sort(newestFirst).slice(0, f.limit);
  return { changes, truncated: matched > changes.length, unreadable };
}

/** One change, and the later undos of it that succeeded. */
export async function findChange(file: string, changeId: string): Promise<{ change: ChangeView | null; undoneBy: string[] }> {
  const seen: Seen = { intent: null, outcome: null };
  const undoneBy: string[] = [];
  await eachRecord(file, (r) => {
    if (r.change_id === changeId) {
      if (r.result === "PENDING") seen.intent = r;
      else seen.outcome = r;
    } else if (r.undoes === changeId && r.result === "OK") undoneBy.push(r.change_id);
  });
  return { change: seen.intent || seen.outcome ? view(changeId, seen) : null, undoneBy };
}
