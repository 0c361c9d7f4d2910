/**
 * Undo one recorded change: re-create a deleted row, revert an update,
 * delete a created row, through the writer like every other write. Only
 * while the row is still exactly as that change left it; otherwise nothing
 * is sent and the answer is CONFLICT with the row as it is now. The undo is
 * audited too, with `undoes` naming the change it reverts.
 */
import type { PlannedRequest } from "../client/connection.js";
import { invalidInput, ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, type EntryType, entryLabel, sameStatusSet, type UrlType, valuesOf } from "../common/model.js";
import { type ChangeView, findChange } from "./auditHistory.js";
import { type Changes, diff } from "./outcomes.js";
import { checkValues } from "./rowRules.js";
import type { Services } from "./runtime.js";
import { wayFor } from "./system.js";
import type { Caller, EntrySession } from "./writer.js";

export interface UndoResult {
  /** What the undo did to the row (or would, on a dry run). */
  action: "created" | "updated" | "deleted";
  undone: ChangeView;
  /** The row as stored after the undo; for a delete, the row deleted; null for a dry-run re-creation. */
  alt_url: AltUrl | null;
  changes: Changes;
  requests: PlannedRequest[];
  change_id: string | null;
  warnings: string[];
}

export interface UndoOptions {
  changeId: string;
  system?: string;
  dryRun: boolean;
  allowCredentialVariables: boolean;
  caller: Caller;
  confirm(message: string): Promise<unknown>;
}

/** list_changes and undo_change with VICIDIAL_AUDIT_LOG=off. */
export function auditOff(tool: string): ToolError {
  return new ToolError({
    code: "INVALID_INPUT",
    field: "VICIDIAL_AUDIT_LOG",
    message: `${tool} has no history to work from: this server's audit log is off (VICIDIAL_AUDIT_LOG=off).`,
    cause: "Changes are listed and undone from the audit log, and this server records none. Nothing was sent to VICIdial.",
    fix: "Ask whoever runs this server to set VICIDIAL_AUDIT_LOG to a file (or remove it to use the default file in the user's state folder) and restart it; changes made from then on can be listed and undone. Meanwhile list_alt_urls shows the rows as they are.",
  });
}

const isRow = (v: unknown): v is AltUrl =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as AltUrl).id === "number" &&
  typeof (v as AltUrl).url === "string" &&
  Array.isArray((v as AltUrl).statuses);

function conflict(change: ChangeView, what: string, current: AltUrl | null, undoneBy: string[]): ToolError {
  const already = undoneBy.length ? ` It has already been undone (change ${undoneBy.join(", ")}).` : "";
  return new ToolError({
    code: "CONFLICT",
    message: `Change ${change.change_id} was not undone: ${what}. Nothing was sent.${already}`,
    cause:
      "An undo puts a row back only while it is exactly as that change left it, so it never overwrites a later change (by a person on VICIdial's screens, another tool, or an earlier undo).",
    fix: `Look at the row as it is now (current, in this answer) and at list_changes for ${entryLabel({ id: change.campaign_id, type: change.entry_type as EntryType })}; if it should still be put back, set it with set_alt_url (or delete_alt_url).`,
    details: {
      structured: { current },
      text: current
        ? `The row now: Alt URL ${current.id}, ${current.active ? "active" : "inactive"}, rank ${current.rank}, statuses ${current.statuses.join(" ")}: ${current.url}`
        : "The row no longer exists.",
    },
  });
}

function refuse(change: ChangeView, message: string, fix: string): ToolError {
  return invalidInput("change_id", `change ${change.change_id} (${change.tool}, ${change.action}) ${message}`, fix);
}

/** Check the change can be undone at all: a finished write of one row, on a system and entry this server may touch. */
function undoable(change: ChangeView, system: string): { before: AltUrl | null; after: AltUrl | null } {
  if (change.system !== system) {
    throw refuse(change, `was made on system ${change.system}, not ${system}.`, `Call undo_change with system "${change.system}".`);
  }
  if (change.outcome === "unknown") {
    throw refuse(
      change,
      "has no known outcome (the log holds only its intent, or its result was UNKNOWN), so what it left behind cannot be told.",
      "Call list_alt_urls to see the row as it is, and put it right with set_alt_url or delete_alt_url.",
    );
  }
  if (change.outcome === "failed") {
    throw refuse(change, `failed (${change.result}), so it changed nothing to undo.`, "Call list_changes for the changes that succeeded.");
  }
  const before = isRow(change.before) ? change.before : null;
  const after = isRow(change.after) ? change.after : null;
  const ok =
    (change.action === "created" && after) || (change.action === "updated" && before && after) || (change.action === "deleted" && before);
  if (!ok || !change.url_type) {
    throw refuse(
      change,
      "is not a change of one Alt URL row (such as a campaign's switch to ALT), which undo_change cannot put back.",
      "Change that setting on VICIdial's admin screens (a campaign's Dispo Call URL is in Campaigns > (the campaign) > Detail).",
    );
  }
  return { before, after };
}

export async function undoChange(s: Services, opts: UndoOptions): Promise<UndoResult> {
  if (!s.audit.file) throw auditOff("undo_change");
  const sys = s.system(opts.system);
  const { change, undoneBy } = await findChange(s.audit.file, opts.changeId);
  if (!change) {
    throw invalidInput(
      "change_id",
      `no change ${opts.changeId} is in the audit log (${s.audit.file}).`,
      "Call list_changes for the ids of recorded changes (dry runs and refused calls are not recorded).",
    );
  }
  const { before, after } = undoable(change, sys.name);
  const entry: EntryRef = { id: change.campaign_id, type: change.entry_type as EntryType };
  const urlType = change.url_type as UrlType;
  sys.entries.assertAllowed(entry.id, entry.type);
  const caller: Caller = { ...opts.caller, undoes: change.change_id };
  const warnings: string[] = [];
  const checked = (row: AltUrl) =>
    checkValues(valuesOf(row), { policy: sys.policy, way: wayFor(entry.type), allowCredentialVariables: opts.allowCredentialVariables });
  const out = await sys.writer.session(entry, urlType, async (session: EntrySession) => {
    const base = { undone: change, warnings };
    if (change.action === "deleted") {
      const old = before!;
      const same = session.rows.find((r) => r.id === old.id || sameStatusSet(r.statuses, old.statuses)) ?? null;
      if (same)
        throw conflict(
          change,
          `${entryLabel(entry)} has a ${urlType} Alt URL for statuses ${old.statuses.join(" ")} again (id ${same.id})`,
          same,
          undoneBy,
        );
      const c = checked(old);
      warnings.push(...c.warnings);
      const res = await session.put({ target: null, desired: { ...valuesOf(old), ...c.desired }, dryRun: opts.dryRun, caller });
      if (!opts.dryRun && res.alt_url) {
        warnings.push(`Re-created as Alt URL ${res.alt_url.id}: VICIdial gives a new row a new id, so the old id ${old.id} stays unused.`);
      }
      return {
        ...base,
        action: "created" as const,
        alt_url: opts.dryRun ? null : res.alt_url,
        changes: res.changes,
        requests: res.requests,
        change_id: res.change_id,
        w: res.warnings,
      };
    }
    const left = after!;
    const current = session.rows.find((r) => r.id === left.id) ?? null;
    if (!current) throw conflict(change, `Alt URL ${left.id} is no longer on ${entryLabel(entry)}`, null, undoneBy);
    const moved = Object.keys(diff(current, valuesOf(left)));
    if (moved.length) throw conflict(change, `Alt URL ${left.id} was changed since (${moved.join(", ")})`, current, undoneBy);
    if (change.action === "created") {
      const planned = await session.remove({ row: current, dryRun: true, caller });
      if (opts.dryRun)
        return { ...base, action: "deleted" as const, alt_url: current, changes: {}, requests: planned.requests, change_id: null, w: [] };
      await opts.confirm(
        `Undo change ${change.change_id} (${change.tool} created it ${change.time}): DELETE Alt URL ${current.id} of ${entryLabel(entry)} (statuses ${current.statuses.join(" ")}): ${current.url}`,
      );
      const res = await session.remove({ row: current, dryRun: false, caller });
      return {
        ...base,
        action: "deleted" as const,
        alt_url: current,
        changes: {},
        requests: [],
        change_id: res.change_id,
        w: res.warnings,
      };
    }
    const c = checked(before!);
    warnings.push(...c.warnings);
    const res = await session.put({ target: current, desired: { ...valuesOf(before!), ...c.desired }, dryRun: opts.dryRun, caller });
    return {
      ...base,
      action: "updated" as const,
      alt_url: res.alt_url,
      changes: res.changes,
      requests: res.requests,
      change_id: res.change_id,
      w: res.warnings,
    };
  });
  const { w, ...result } = out;
  result.warnings.push(...w);
  return result;
}
