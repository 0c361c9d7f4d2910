/**
 * "Did the CRM get it?": what VICIdial really fetched, read from its URL log
 * through the URL Log Report (facts §10), one day per request, streamed;
 * each logged URL attributed to the current Alt URL row whose template
 * produced it, its outcome read, secrets masked. Read-only.
 *
 * Order of work: VICIdial's clock and zone (`version`, no login), the report
 * right (one cheap request, until it has been seen to work, so a missing
 * right is answered before anything else is sent), the rows of every entry in
 * scope (one listing each, side by side within the concurrency cap), then
 * the days, newest first, one at a time: each is a full-day query on
 * VICIdial's database.
 */
import type { UrlLogRecord } from "../client/parseUrlLog.js";
import { TransportError } from "../client/transport.js";
import { type DeliveryUrlType, LOGGED_URL_TYPE } from "../client/urlLogReport.js";
import { invalidInput, ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, entryLabel } from "../common/model.js";
import { type DeliveryOutcome, readOutcome } from "./deliveryOutcome.js";
import { type Delivery, DeliveryTally } from "./deliveryTally.js";
import type { VicidialSystem } from "./system.js";
import { type Attribution, TemplateMatcher } from "./urlAttribution.js";

export const MAX_DAYS_AFTER = 31;
export const MAX_LIMIT = 1000;

export interface DeliveryQuery {
  /** `YYYY-MM-DD`; null: today on the VICIdial server. */
  date: string | null;
  /** Inclusive; null: `date` only. */
  toDate: string | null;
  urlType: DeliveryUrlType;
  /** One entry, or null for every campaign and in-group this user sees. */
  scope: EntryRef | null;
  id: number | null;
  status: string | null;
  leadId: string | null;
  outcome: DeliveryOutcome | null;
  limit: number;
  /** After each day: for progress notifications. */
  onDay?: (done: number, total: number, date: string) => Promise<void> | void;
}

export interface DeliveryReport {
  date: string;
  to_date: string;
  url_type: DeliveryUrlType;
  time_zone: string | null;
  deliveries: Delivery[];
  summary: ReturnType<DeliveryTally["summary"]> & { days_read: number; rows_read: number; rows_searched: number };
  truncated: boolean;
  warnings: string[];
}

const AUTH_CODES = new Set(["AUTH_FAILED", "ACCOUNT_LOCKED", "IP_NOT_ALLOWED"]);

/** `YYYY-MM-DD` as a UTC day number, or null for an impossible date. */
export function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / 86_400_000;
}

export const dayText = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** Refuse an impossible date before anything is sent: VICIdial would just find no rows (facts §10.3). */
export function checkDate(field: string, value: string | null): number | null {
  if (value === null) return null;
  const n = dayNumber(value);
  if (n === null) {
    throw invalidInput(field, `"${value}" is not a calendar date.`, "Give the day as YYYY-MM-DD, e.g. 2026-11-26.");
  }
  return n;
}

/** The days to read, oldest first; to_date at most 31 days after date. */
export function dayRange(from: number, to: number | null): string[] {
  const last = to ?? from;
  if (last < from) {
    throw invalidInput("to_date", `${dayText(last)} is before date ${dayText(from)}.`, "Give a to_date on or after date.");
  }
  if (last - from > MAX_DAYS_AFTER) {
    throw invalidInput(
      "to_date",
      `${dayText(last)} is ${last - from} days after date ${dayText(from)}; at most ${MAX_DAYS_AFTER} days after date are read in one call (one report request per day).`,
      `Split the period: call once with date ${dayText(from)} and to_date ${dayText(from + MAX_DAYS_AFTER)}, then again from ${dayText(from + MAX_DAYS_AFTER + 1)}.`,
    );
  }
  return Array.from({ length: last - from + 1 }, (_, i) => dayText(from + i));
}

/** `-5` -> `UTC-05:00`. */
export function zoneLabel(hours: number): string {
  const minutes = Math.round(Math.abs(hours) * 60);
  return `UTC${hours < 0 ? "-" : "+"}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** VICIdial's clock and zone from `version`; this machine's clock when it does not say. */
async function serverClock(sys: VicidialSystem, warnings: string[]): Promise<{ today: number; zone: string | null }> {
  try {
    const v = await sys.api.version();
    const zone = v.utcOffsetHours === null ? null : zoneLabel(v.utcOffsetHours);
    if (v.epoch !== null) {
      const local = v.epoch * 1000 + (v.utcOffsetHours ?? 0) * 3_600_000;
      return { today: Math.floor(local / 86_400_000), zone };
    }
    warnings.push("VICIdial's version answer gave no clock: today was taken from this machine's clock (UTC).");
    return { today: Math.floor(Date.now() / 86_400_000), zone };
  } catch (err) {
    // Unreachable or silent: the report would be too, so say that now rather than after another wait.
    if (err instanceof TransportError) throw err;
    const why = err instanceof ToolError ? `${err.code}: ${err.message}` : String(err);
    warnings.push(`VICIdial's time zone is unknown (the version request failed: ${why}); times are VICIdial's local time.`);
    return { today: Math.floor(Date.now() / 86_400_000), zone: null };
  }
}

/** The rows of every entry in scope, one listing per entry, side by side (the connection caps them). */
async function rowsInScope(sys: VicidialSystem, q: DeliveryQuery, warnings: string[]): Promise<AltUrl[]> {
  let entries: EntryRef[];
  if (q.scope) entries = [q.scope];
  else {
    entries = [];
    const sources = [
      () => sys.entries.visibleCampaigns().then((cs) => cs.map((c): EntryRef => ({ id: c.campaign_id, type: "campaign" }))),
      () => sys.entries.visibleIngroups().then((gs) => gs.map((g): EntryRef => ({ id: g.id, type: "ingroup" }))),
    ];
    for (const [i, load] of sources.entries()) {
      try {
        entries.push(...(await load()));
      } catch (err) {
        if (err instanceof ToolError && AUTH_CODES.has(err.code)) throw err;
        warnings.push(
          `Could not list the ${i === 0 ? "campaigns" : "in-groups"} to match URLs against (${err instanceof ToolError ? `${err.code}: ${err.message}` : String(err)}); their deliveries show with alt_url_id null.`,
        );
      }
    }
  }
  const lists = await Promise.all(
    entries.map(async (entry) => {
      try {
        return (await sys.storeFor(entry).list(entry, q.urlType)).rows;
      } catch (err) {
        if (!(err instanceof ToolError)) throw err;
        if (AUTH_CODES.has(err.code)) throw err;
        // Not ALT for this type: it has no rows to list (its deliveries, if any, came from elsewhere).
        if (err.code === "ALT_MODE_OFF" && !q.scope) return [];
        if (q.scope) throw err;
        warnings.push(
          `Could not read the ${q.urlType} Alt URLs of ${entryLabel(entry)} (${err.code}: ${err.message}); its deliveries show with alt_url_id null.`,
        );
        return [];
      }
    }),
  );
  return lists.flat();
}

/**
 * The status a delivery was for: read from the URL (`--A--dispo--B--`, or
 * `--A--status--B--` for no-agent URLs), else, for a dispo row that fires for
 * one status only, that status.
 */
export function statusOf(att: Attribution | null, urlType: DeliveryUrlType): string | null {
  if (!att) return null;
  const read = att.value("dispo") ?? att.value("status");
  if (read !== undefined && read !== "") return read;
  if (urlType === "dispo" && !att.row.all_statuses && att.row.statuses.length === 1) return att.row.statuses[0]!;
  return null;
}

function passes(q: DeliveryQuery, att: Attribution | null, outcome: DeliveryOutcome): boolean {
  if (q.id !== null && att?.row.id !== q.id) return false;
  if (q.outcome !== null && outcome !== q.outcome) return false;
  if (q.status !== null && statusOf(att, q.urlType) !== q.status) return false;
  if (q.leadId !== null && att?.value("lead_id") !== q.leadId) return false;
  return true;
}

/** Everything about the days and the limit that can be checked without VICIdial: nothing is sent for bad input. */
export function checkQuery(q: Pick<DeliveryQuery, "date" | "toDate" | "limit">): { from: number | null; to: number | null } {
  const from = checkDate("date", q.date);
  const to = checkDate("to_date", q.toDate);
  if (from !== null) dayRange(from, to);
  if (q.limit < 1 || q.limit > MAX_LIMIT)
    throw invalidInput("limit", `${q.limit} is out of range.`, `Give a limit from 1 to ${MAX_LIMIT}.`);
  return { from, to };
}

export async function listDeliveries(sys: VicidialSystem, q: DeliveryQuery): Promise<DeliveryReport> {
  const warnings: string[] = [];
  const { from, to } = checkQuery(q);

  // After a failed login nothing leaves, not even the version request (which needs no login).
  sys.connection.gate.assertOpen();
  const clock = await serverClock(sys, warnings);
  const days = dayRange(from ?? clock.today, to);
  if (!sys.report.rightsProven) await sys.report.probe();
  const rows = await rowsInScope(sys, q, warnings);
  const matcher = new TemplateMatcher(rows, q.urlType);

  const tally = new DeliveryTally({ limit: q.limit, urlType: q.urlType, secrets: [sys.settings.pass] });
  let unmatched = 0;
  let rowsRead = 0;
  const onRecord = (record: UrlLogRecord) => {
    rowsRead++;
    const att = matcher.match(record.url);
    if (!att) {
      unmatched++;
      if (q.scope) return; // not this entry's, as far as its rows can tell
    }
    const read = readOutcome(q.urlType, record.url_response, record.response_sec);
    if (!passes(q, att, read.outcome)) return;
    tally.add(record, att, read);
  };
  const newestFirst = [...days].reverse();
  for (const [i, date] of newestFirst.entries()) {
    // A day whose CSV has started is never sent again (the connection retries only what never arrived).
    await sys.report.readDay({
      date,
      urlTypes: [LOGGED_URL_TYPE[q.urlType]],
      begin: () => {
        tally.startDay();
        return onRecord;
      },
    });
    tally.endDay();
    await q.onDay?.(i + 1, days.length, date);
  }

  if (rows.length === 0) {
    warnings.push(
      `No ${q.urlType} Alt URL row was found to match against${q.scope ? ` on ${entryLabel(q.scope)}` : ""}: every delivery shows with alt_url_id null.`,
    );
  }
  if (tally.ambiguous > 0) {
    warnings.push(
      `${tally.ambiguous} deliveries fit several Alt URL rows equally well (rows ${[...tally.ambiguousRows].join(", ")}: the same template); each was given to the first of them. Give campaign_id to look at one entry only.`,
    );
  }
  return {
    date: days[0]!,
    to_date: days.at(-1)!,
    url_type: q.urlType,
    time_zone: clock.zone,
    deliveries: tally.deliveries(),
    summary: { ...tally.summary(unmatched), days_read: days.length, rows_read: rowsRead, rows_searched: matcher.size },
    truncated: tally.truncated,
    warnings,
  };
}
