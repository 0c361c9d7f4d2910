/**
 * The steps every Alt URL write shares: read the rows, find one by id, turn
 * intended values into VICIdial fields, write, read back and compare,
 * reconcile a write whose outcome is unknown, ask the person to confirm, and
 * record the audit line.
 */

import { TransportError } from "../client/transport.js";
import type { AltUrlFields } from "../client/vicidial.js";
import { ToolError } from "../shared/errors.js";
import { type AltUrl, byRank, toAltUrl, type UrlType } from "../shared/model.js";
import type { AuditEntry } from "./audit.js";
import { sameStatusSet, unsendableStatusChars } from "./fields.js";
import type { Services } from "./runtime.js";

/** The editable values of a row as the contract names them. */
export interface Desired {
  url?: string;
  statuses?: string[];
  active?: boolean;
  rank?: number;
  description?: string;
  lists?: string[];
  min_call_length?: number;
}

export const DESIRED_KEYS = ["url", "statuses", "active", "rank", "description", "lists", "min_call_length"] as const;
export type DesiredKey = (typeof DESIRED_KEYS)[number];
export type Changes = Record<string, { before: unknown; after: unknown }>;

/** LIST prints at most this many rows (facts §3.1). */
const LIST_LIMIT = 1000;

export interface ReadResult {
  rows: AltUrl[];
  warnings: string[];
}

export async function readAltUrls(s: Services, campaignId: string, urlType: UrlType): Promise<ReadResult> {
  const { rows, repaired } = await s.client.listAltUrls(campaignId, urlType);
  const out = rows.map((r) => toAltUrl(r, campaignId, urlType)).sort(byRank);
  const warnings: string[] = [];
  if (rows.length >= LIST_LIMIT) {
    warnings.push(
      `VICIdial lists at most ${LIST_LIMIT} ${urlType} Alt URLs of a campaign and returned that many: campaign ${campaignId} may have more, which its API cannot show, so changes to them cannot be verified. Delete unused rows.`,
    );
  }
  for (const id of repaired) {
    warnings.push(
      `Alt URL ${id} has a line break stored in its description (a VICIdial defect with backslashes in descriptions); VICIdial's list of it was pieced back together. Set a plain description on it.`,
    );
  }
  for (const r of out) {
    const bad = unsendableStatusChars(r.statuses);
    if (bad.length) {
      warnings.push(
        `Alt URL ${r.id} has statuses with ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send (they were set on the admin pages): this server will not write to that row. Edit it in VICIdial Admin > Campaigns > (campaign) > Alt URLs.`,
      );
    }
  }
  return { rows: out, warnings };
}

export function findById(rows: AltUrl[], id: number, campaignId: string, urlType: UrlType): AltUrl {
  const row = rows.find((r) => r.id === id);
  if (row) return row;
  throw new ToolError({
    code: "ALT_URL_NOT_FOUND",
    field: "id",
    message: `Campaign ${campaignId} has no ${urlType} Alt URL with id ${id}.`,
    cause: rows.length
      ? `Its ${urlType} Alt URLs have the ids ${rows.map((r) => r.id).join(", ")}; ids are unique across VICIdial, so ${id} belongs to another campaign or type, or was deleted. Nothing was sent.`
      : `It has no ${urlType} Alt URLs at all. Nothing was sent.`,
    fix: `Call list_alt_urls for campaign ${campaignId} and use an id from its answer.`,
  });
}

/** Refuse writes to rows whose statuses the API cannot send (facts: `_` from the admin pages). */
export function assertWritable(row: AltUrl): void {
  const bad = unsendableStatusChars(row.statuses);
  if (!bad.length) return;
  throw new ToolError({
    code: "INVALID_INPUT",
    field: "id",
    message: `Alt URL ${row.id} has statuses (${row.statuses.join(" ")}) holding ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send.`,
    cause:
      "Those statuses were written on VICIdial's admin pages. VICIdial's API strips these characters, so any change through it risks rewriting the row's statuses. Nothing was sent.",
    fix: "Edit this row in VICIdial Admin > Campaigns > (campaign) > Alt URLs, or create a new row with statuses of letters, digits and -.",
  });
}

function same(key: DesiredKey, a: unknown, b: unknown): boolean {
  // Order carries no meaning in statuses or lists: VICIdial matches tokens.
  if ((key === "statuses" || key === "lists") && Array.isArray(a) && Array.isArray(b)) return sameStatusSet(a as string[], b as string[]);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field by field, what differs between a row and the intended values. */
export function diff(before: AltUrl | null, desired: Desired): Changes {
  const changes: Changes = {};
  for (const k of DESIRED_KEYS) {
    const want = desired[k];
    if (want === undefined) continue;
    const had = before ? before[k] : null;
    if (!same(k, had, want)) changes[k] = { before: had, after: want };
  }
  return changes;
}

export function toFields(desired: Desired): AltUrlFields {
  const f: AltUrlFields = {};
  if (desired.active !== undefined) f.active = desired.active ? "Y" : "N";
  if (desired.rank !== undefined) f.url_rank = desired.rank;
  if (desired.statuses !== undefined) f.url_statuses = desired.statuses.join(" ");
  if (desired.description !== undefined) f.url_description = desired.description;
  if (desired.lists !== undefined) f.url_lists = desired.lists.join(" ");
  if (desired.min_call_length !== undefined) f.url_call_length = desired.min_call_length;
  if (desired.url !== undefined) f.url_address = desired.url;
  return f;
}

/** After a write: the stored row must equal what was meant, field by field. */
export function verifyStored(stored: AltUrl | undefined, desired: Desired, id: number): AltUrl {
  if (!stored) {
    throw new ToolError({
      code: "VERIFY_FAILED",
      message: `VICIdial reported success, but Alt URL ${id} is not in the campaign's list when read back.`,
      cause: "The row was changed or deleted by someone else at the same moment, or VICIdial wrote elsewhere.",
      fix: "Call list_alt_urls to see the current rows before changing anything else.",
    });
  }
  const off = diff(stored, desired);
  const keys = Object.keys(off);
  if (keys.length) {
    const detail = keys
      .map((k) => `${k}: meant ${JSON.stringify(off[k]!.after)}, VICIdial stored ${JSON.stringify(off[k]!.before)}`)
      .join("; ");
    throw new ToolError({
      code: "VERIFY_FAILED",
      field: keys[0],
      message: `VICIdial stored Alt URL ${id} differently from what was sent: ${detail}.`,
      cause:
        "VICIdial silently changes some values (it strips characters it does not keep), or someone changed the row at the same moment.",
      fix: `Call list_alt_urls to see the row as stored, then set_alt_url with id ${id} and a value VICIdial keeps.`,
    });
  }
  return stored;
}

/** The row VICIdial answered about must be the row we sent (facts §3: the retargeting trap). */
export function assertSameRow(sentId: number, answeredId: number | null): void {
  if (answeredId === sentId) return;
  throw new ToolError({
    code: "VERIFY_FAILED",
    field: "id",
    message: `VICIdial applied the change to Alt URL ${answeredId ?? "(none)"} instead of ${sentId}.`,
    cause: "When an id is missing VICIdial silently retargets the change to another row of the campaign (or to none).",
    fix: "Call list_alt_urls to see what was changed, and correct that row with set_alt_url.",
  });
}

export function isUnknownOutcome(err: unknown): err is TransportError {
  return err instanceof TransportError && err.outcomeUnknown;
}

/** A stated, not guessed, outcome after a write whose answer never came. */
export function stillUnknown(err: ToolError, what: string): ToolError {
  return new ToolError({
    code: err.code,
    message: `${err.message} Whether ${what} happened could not be checked either: the campaign could not be listed afterwards.`,
    cause: err.reason,
    fix: `Call list_alt_urls to see whether ${what} happened before doing anything else; do not simply repeat the call.`,
    retryable: false,
    vicidialResponse: err.vicidialResponse,
  });
}

/**
 * A write whose answer was lost, and listing again shows it did not land.
 * After a timeout VICIdial may still apply it late, so the fix says to look
 * again rather than promise that a repeat is safe.
 */
export function notApplied(err: TransportError, what: string): ToolError {
  return new ToolError({
    code: err.code,
    message: `${err.message} Listing the campaign again shows ${what} was not applied: nothing changed.`,
    cause: err.reason,
    fix:
      err.code === "TIMEOUT"
        ? "VICIdial may still be working on the timed-out request: call list_alt_urls in a minute to check it did not land late, and call again only if it did not."
        : "It is safe to call again once VICIdial answers normally.",
    retryable: true,
    vicidialResponse: err.vicidialResponse,
  });
}

/** Run a write and append its audit line, whether it succeeds or fails. */
export async function audited<T>(
  s: Services,
  entry: Omit<AuditEntry, "result" | "sandbox" | "after"> & { after?: unknown },
  fn: () => Promise<T & { auditAfter?: unknown; auditAction?: string }>,
): Promise<T> {
  try {
    const out = await fn();
    await s.audit.record({
      ...entry,
      action: out.auditAction ?? entry.action,
      after: out.auditAfter ?? entry.after,
      result: "OK",
      sandbox: s.sandbox,
    });
    return out;
  } catch (err) {
    const code = err instanceof ToolError ? err.code : "UNEXPECTED_RESPONSE";
    // A failed line carries no `after`: the intended state did not (or not surely) come about; the message says what did.
    const { after: _intended, ...attempted } = entry;
    await s.audit.record({ ...attempted, result: code, message: (err as Error).message, sandbox: s.sandbox });
    throw err;
  }
}
