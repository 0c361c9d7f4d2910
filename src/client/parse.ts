/**
 * VICIdial answers HTTP 200 for nearly everything, errors included, in plain
 * text lines. These functions turn each answer shape of docs/vicidial-behaviour.md into
 * data or a ToolError; anything unrecognised is UNEXPECTED_RESPONSE, never a
 * guess and never a crash.
 */

import type { ToolError } from "../common/errors.js";
import type { RawAltUrlRow } from "../common/model.js";
import { classifyLine, firstLine, serverFault, unexpected, vicidialError } from "./catalogue.js";
import type { HttpResponse } from "./transport.js";

export const ALT_URL_FIELDS = [
  "url_id",
  "campaign_id",
  "entry_type",
  "active",
  "url_type",
  "url_rank",
  "url_statuses",
  "url_description",
  "url_lists",
  "url_call_length",
  "url_address",
] as const;

export const CAMPAIGN_FIELDS = [
  "campaign_id",
  "campaign_name",
  "active",
  "user_group",
  "dial_method",
  "dial_level",
  "lead_order",
  "dial_statuses",
  "dial_timeout",
  "dial_prefix",
  "manual_dial_prefix",
  "three_way_dial_prefix",
] as const;

export type CampaignRow = Record<(typeof CAMPAIGN_FIELDS)[number], string>;

/**
 * Errors common to every API answer: HTTP status, empty body, and lines
 * that are errors whatever was asked. Returns the body when it may be data.
 */
function checkCommon(res: HttpResponse, what: string): string {
  if (res.status === 500 && res.body.trim() === "") throw serverFault(what, res.status);
  if (res.status === 418) {
    throw vicidialError(firstLine(res.body) || "HTTP 418");
  }
  const line = firstLine(res.body);
  if (res.status === 401) throw classifyLine(line) ?? unexpected(what, res.body, res.status);
  if (res.status !== 200) throw unexpected(what, res.body, res.status);
  if (line === "") throw unexpected(what, res.body, res.status);
  if (/^ERROR:/.test(line)) throw classifyLine(line) ?? vicidialError(line);
  return res.body;
}

/** Lines of a body without the final newline VICIdial always adds. */
function lines(body: string): string[] {
  const out = body.split("\n");
  if (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

export interface ParsedList {
  rows: RawAltUrlRow[];
  /** Rows VICIdial printed in a damaged form (a stored line break). */
  repaired: number[];
}

/**
 * LIST of update_alt_url (facts §3.1): header optional, pipe separated, or the
 * No Records notice. A description that holds a real line break (stored
 * through VICIdial's backslash defect) splits a row over several lines: the
 * pieces are joined back while the field count is short.
 */
export function parseAltUrlList(res: HttpResponse): ParsedList {
  const body = checkCommon(res, "the Alt URL list");
  const first = firstLine(body);
  if (/^NOTICE: update_alt_url LIST, No Records Found/.test(first)) return { rows: [], repaired: [] };
  if (/^(NOTICE|SUCCESS):/.test(first)) throw unexpected("the Alt URL list", body, res.status);

  const all = lines(body);
  if (all[0] === ALT_URL_FIELDS.join("|")) all.shift();
  const rows: RawAltUrlRow[] = [];
  const repaired: number[] = [];
  let pending: string | null = null;
  let joined = false;
  for (const line of all) {
    const candidate: string = pending === null ? line : `${pending}\n${line}`;
    if (pending !== null) joined = true;
    if (candidate.split("|").length < ALT_URL_FIELDS.length) {
      pending = candidate;
      continue;
    }
    pending = null;
    const parts = candidate.split("|");
    // Only the address may hold a stray `|` (written by the admin pages): keep it whole.
    const fields = [...parts.slice(0, 10), parts.slice(10).join("|")];
    const row = Object.fromEntries(ALT_URL_FIELDS.map((k, i) => [k, fields[i] ?? ""])) as unknown as RawAltUrlRow;
    if (!/^\d+$/.test(row.url_id) || !/^[YN]$/.test(row.active)) throw unexpected("the Alt URL list", body, res.status);
    if (joined) repaired.push(Number(row.url_id));
    joined = false;
    rows.push(row);
  }
  if (pending !== null) throw unexpected("the Alt URL list", body, res.status);
  return { rows, repaired };
}

export type UpdateOutcome = { kind: "added"; id: number } | { kind: "updated"; id: number | null } | { kind: "no_updates" };

/** The answer to update_alt_url NEW or an update by id (facts §3, checks 13 and 14). */
export function parseAltUrlWrite(res: HttpResponse): UpdateOutcome {
  const body = checkCommon(res, "the Alt URL change");
  const line = firstLine(body);
  let m = /^SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - [^|]*\|NEW URL ID: (\d+)\|/.exec(line);
  if (m) return { kind: "added", id: Number(m[1]) };
  m = /^SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - [^|]*\|(\d*)\|/.exec(line);
  if (m) return { kind: "updated", id: m[1] ? Number(m[1]) : null };
  if (/^NOTICE: update_alt_url NO UPDATES DEFINED/.test(line)) return { kind: "no_updates" };
  throw unexpected("the Alt URL change", body, res.status);
}

/**
 * The `alt_url_id=0` probe (facts §3): the only API way to tell whether a
 * campaign's URL of a type is ALT. It never writes.
 */
export function parseAltModeProbe(res: HttpResponse): boolean {
  try {
    const outcome = parseAltUrlWrite(res);
    if (outcome.kind === "no_updates") return true;
    throw unexpected("the ALT mode probe", res.body, res.status);
  } catch (err) {
    const code = (err as ToolError).code;
    if (code === "ALT_MODE_OFF") return false;
    if (code === "ALT_URL_NOT_FOUND") return true;
    throw err;
  }
}

export type CampaignUpdateOutcome = { kind: "updated" } | { kind: "no_updates" };

export function parseCampaignUpdate(res: HttpResponse): CampaignUpdateOutcome {
  const body = checkCommon(res, "the campaign change");
  const line = firstLine(body);
  if (/^SUCCESS: update_campaign CAMPAIGN HAS BEEN UPDATED/.test(line)) return { kind: "updated" };
  if (/^NOTICE: update_campaign NO UPDATES DEFINED/.test(line)) return { kind: "no_updates" };
  throw unexpected("the campaign change", body, res.status);
}

/** campaigns_list (facts §4): header optional, one campaign per line. */
export function parseCampaignsList(res: HttpResponse): CampaignRow[] {
  const body = checkCommon(res, "the campaign list");
  const first = firstLine(body);
  if (/^(NOTICE|SUCCESS):/.test(first)) {
    if (/NO (CAMPAIGNS|RECORDS) FOUND|No Records Found/i.test(first)) return [];
    throw unexpected("the campaign list", body, res.status);
  }
  const all = lines(body);
  if (all[0] === CAMPAIGN_FIELDS.join("|")) all.shift();
  return all
    .filter((l) => l.length > 0)
    .map((l) => {
      const parts = l.split("|");
      if (parts.length < CAMPAIGN_FIELDS.length) throw unexpected("the campaign list", body, res.status);
      return Object.fromEntries(CAMPAIGN_FIELDS.map((k, i) => [k, parts[i] ?? ""])) as CampaignRow;
    });
}

export interface VersionInfo {
  version: string;
  build: string;
  date: string;
  /** Unix seconds on the VICIdial server, when it said. */
  epoch: number | null;
  /** The server's offset from UTC now, in hours (TZNOW, daylight saving included), when it said. */
  utcOffsetHours: number | null;
}

export function parseVersion(res: HttpResponse): VersionInfo {
  const body = checkCommon(res, "the version request");
  const line = firstLine(body);
  const m = /^VERSION: ([^|]+)\|BUILD: ([^|]+)\|DATE: ([^|]*)\|/.exec(line);
  if (!m) throw unexpected("the version request", body, res.status);
  const epoch = /\|EPOCH: (\d+)\|/.exec(line);
  const tz = /\|TZNOW: ([-+]?\d{1,2}(?:\.\d+)?)\|/.exec(line) ?? /\|TZ: ([-+]?\d{1,2}(?:\.\d+)?)\|/.exec(line);
  return {
    version: m[1]!,
    build: m[2]!,
    date: m[3]!,
    epoch: epoch ? Number(epoch[1]) : null,
    utcOffsetHours: tz && Math.abs(Number(tz[1])) <= 14 ? Number(tz[1]) : null,
  };
}

export interface IngroupRow {
  id: string;
  name: string;
}

/**
 * ingroup_list (facts §4): an HTML picker page, one block per active in-group
 * the user's group may see; names are written raw. Error answers are the
 * usual text lines.
 */
export function parseIngroupList(res: HttpResponse): IngroupRow[] {
  const first = firstLine(res.body);
  if (res.status !== 200 || /^ERROR:/.test(first) || !/<HTML>/i.test(res.body)) checkCommon(res, "the in-group list");
  if (!/<HTML>/i.test(res.body)) throw unexpected("the in-group list", res.body, res.status);
  const out: IngroupRow[] = [];
  const block =
    /choose_file\('([^']*)',''\);"><font[^>]*>[^\n]*?<\/a><\/td>\n<td><font size=2 face="Arial,Helvetica">([^\n]*?)<\/td>\n<td bgcolor=/g;
  for (const m of res.body.matchAll(block)) out.push({ id: m[1]!, name: m[2]! });
  return out;
}
