/**
 * Which Alt URLs VICIdial would fetch for one disposition (the engine behind
 * preview_dispo_urls), following how the agent screen's script chooses them
 * (facts §11): the active dispo rows of the entry whose setting the call
 * uses, in ascending rank; a row is queued when its statuses hold
 * `---ALL---` or the exact (case-sensitive) status as a space-separated
 * token, its lists are empty or hold the lead's list, and the talk time (talk
 * minus dead seconds) reaches its minimum length. Queued rows are fetched one
 * after another, so a slow target delays every row after it.
 */
import { ALL_STATUSES, type AltUrl } from "../common/model.js";
import { fillTemplate } from "./templateVars.js";

/** The status the agent screen sends for a scheduled callback (facts §11.2). */
export const CALLBACK_HOLD_STATUS = "CBHOLD";

export interface FiringInput {
  rows: AltUrl[];
  /** The status as the agent screen sends it (CBHOLD for a scheduled callback). */
  status: string;
  list_id?: string;
  /** Talk seconds minus dead seconds, floored at 0. */
  talk_time?: number;
  sample_lead?: Record<string, string | number>;
}

export interface FiringRow {
  id: number;
  rank: number;
  /** The template as stored. */
  url: string;
  filled_url: string;
  description: string;
  /** What the firing still depends on when list_id / talk_time were not given. */
  conditions: string[];
  missing_variables: string[];
}

export type SkipReason = "inactive" | "status_not_listed" | "list_not_included" | "call_too_short" | "empty_statuses" | "empty_url";

export interface SkippedRow {
  id: number;
  rank: number;
  url: string;
  description: string;
  /** A sentence naming the values involved. */
  reason: string;
  reason_code: SkipReason;
}

/** Firing order: rank; equal ranks in the order VICIdial lists them (id order through the API). */
export function firingOrder(rows: AltUrl[]): AltUrl[] {
  return [...rows].sort((a, b) => a.rank - b.rank || (a.entry_type === "campaign" ? a.id - b.id : 0));
}

/** Why a row does not fire, checked in a fixed order; null when it may fire. */
function skipReason(row: AltUrl, input: FiringInput): { code: SkipReason; reason: string } | null {
  if (!row.active) return { code: "inactive", reason: "inactive: VICIdial skips inactive rows" };
  if (row.statuses.length === 0) {
    return { code: "empty_statuses", reason: "no statuses: VICIdial never fires a row with empty statuses" };
  }
  if (!row.statuses.join(" ").includes(ALL_STATUSES) && !row.statuses.includes(input.status)) {
    // Case matters to VICIdial; say so when that is the only difference.
    const nearly = row.statuses.find((s) => s.toUpperCase() === input.status.toUpperCase());
    const callback =
      input.status === CALLBACK_HOLD_STATUS
        ? ` (a scheduled callback is sent as ${CALLBACK_HOLD_STATUS}, so list ${CALLBACK_HOLD_STATUS} to catch it)`
        : "";
    return {
      code: "status_not_listed",
      reason:
        `status ${input.status} is not in this row's statuses (${row.statuses.join(" ")})` +
        (nearly !== undefined ? `; statuses are case-sensitive, and this row has ${nearly}` : "") +
        callback,
    };
  }
  if (input.list_id !== undefined && row.lists.length > 0 && !row.lists.includes(input.list_id)) {
    return { code: "list_not_included", reason: `list ${input.list_id} is not in this row's lists (${row.lists.join(" ")})` };
  }
  if (input.talk_time !== undefined && input.talk_time < row.min_call_length) {
    return {
      code: "call_too_short",
      reason: `call too short: talk time ${input.talk_time} s < minimum ${row.min_call_length} s`,
    };
  }
  if (row.url.trim() === "") {
    return { code: "empty_url", reason: "empty url: this row has no address, so VICIdial has nothing to fetch" };
  }
  return null;
}

export function previewFiring(input: FiringInput): { fires: FiringRow[]; skipped: SkippedRow[] } {
  const fires: FiringRow[] = [];
  const skipped: SkippedRow[] = [];
  // Values VICIdial itself knows at dispo time win over the sample lead's.
  const overridden = new Set(["dispo"]);
  if (input.talk_time !== undefined) overridden.add("talk_time");
  if (input.list_id !== undefined) overridden.add("list_id");
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(input.sample_lead ?? {})) if (!overridden.has(k.toLowerCase())) values[k] = v;
  values.dispo = input.status;
  if (input.talk_time !== undefined) values.talk_time = input.talk_time;
  if (input.list_id !== undefined) values.list_id = input.list_id;

  for (const row of firingOrder(input.rows)) {
    const skip = skipReason(row, input);
    if (skip !== null) {
      skipped.push({ id: row.id, rank: row.rank, url: row.url, description: row.description, reason: skip.reason, reason_code: skip.code });
      continue;
    }
    const conditions: string[] = [];
    if (input.list_id === undefined && row.lists.length > 0) conditions.push(`only for lists ${row.lists.join(" ")}`);
    if (input.talk_time === undefined && row.min_call_length > 0) conditions.push(`only when talk time >= ${row.min_call_length} s`);
    const filled = fillTemplate(row.url, values);
    fires.push({
      id: row.id,
      rank: row.rank,
      url: row.url,
      filled_url: filled.url,
      description: row.description,
      conditions,
      missing_variables: filled.missing,
    });
  }
  return { fires, skipped };
}
